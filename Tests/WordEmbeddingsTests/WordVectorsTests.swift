import EmbeddingCore
import Testing

@testable import WordEmbeddings

@Suite struct WordVectorsTests {
  @Test func looksUpWordsByRow() throws {
    let wv = try WordVectors(
      words: ["king", "queen"], matrix: Matrix(rows: 2, columns: 2, values: [1, 2, 3, 4]))
    #expect(wv.index(of: "queen") == 1)
    #expect(try wv.vector(for: "queen") == [3, 4])
    #expect(throws: EmbeddingError.outOfVocabulary(word: "jack", suggestions: [])) {
      try wv.vector(for: "jack")
    }
  }

  @Test func rejectsMismatchedShapes() {
    #expect(throws: EmbeddingError.self) {
      try WordVectors(words: ["a"], matrix: Matrix(rows: 2, columns: 2))
    }
  }
}
