import EmbeddingKit
import Testing

@testable import embed

@Suite struct WordVectorsCommandTests {
  @Test func analogyExpressionsSplitIntoPositiveAndNegative() throws {
    let (plus, minus) = try Analogy.parse(["king", "-", "man", "+", "woman"])
    #expect(plus == ["king", "woman"])
    #expect(minus == ["man"])
    let leadingMinus = try Analogy.parse(["-", "a", "+", "b"])
    #expect(leadingMinus.positive == ["b"] && leadingMinus.negative == ["a"])
    #expect(throws: (any Error).self) { try Analogy.parse(["king", "man"]) }
    #expect(throws: (any Error).self) { try Analogy.parse(["king", "-", "+", "man"]) }
  }

  @Test func formatNamesAndAliases() throws {
    #expect(VectorFormat(argument: "bin") == .word2vecBinary)
    #expect(VectorFormat(argument: "glove") == .glove)
    #expect(VectorFormat(argument: "EKV") == .native)
    #expect(VectorFormat(argument: "pickle") == nil)
  }
}
