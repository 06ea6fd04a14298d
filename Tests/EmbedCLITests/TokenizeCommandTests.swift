import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Testing

@testable import embed

@Suite struct TokenizeCommandTests {
  @Test func quotesTokensReadably() {
    #expect(Tokenize.quoted(Array(" world".utf8)) == "\" world\"")
    #expect(Tokenize.quoted(Array("a\n\t\"\\".utf8)) == "\"a\\n\\t\\\"\\\\\"")
    #expect(Tokenize.quoted([0xE2, 0x82]) == "\"\\xE2\\x82\"")
    #expect(Tokenize.quoted(Array("naïve 😀".utf8)) == "\"naïve 😀\"")
  }

  @Test func parsesTokenIDs() throws {
    #expect(try Tokenize.parseIDs("15496 11, 995\n0") == [15496, 11, 995, 0])
    #expect(try Tokenize.parseIDs("[1, 2, 3]") == [1, 2, 3])
    #expect(throws: (any Error).self) { try Tokenize.parseIDs("12 x") }
  }

  @Test func rejectsBadOptions() {
    #expect(throws: (any Error).self) { try Tokenize.parse(["--encoding", "gpt5", "x"]) }
    #expect(throws: (any Error).self) { try Tokenize.parse(["--count", "--tokens", "x"]) }
    #expect(throws: (any Error).self) { try TrainBPE.parse(["f.txt", "--vocab-size", "100"]) }
  }

  @Test func trainBPEWritesALoadableTiktokenFile() throws {
    let directory = makeTemporaryDirectory("train-bpe")
    let input = directory.appendingPathComponent("text.txt").path
    let output = directory.appendingPathComponent("out.tiktoken").path
    let text = String(repeating: "the cat sat on the mat with the hat. ", count: 50)
    try Data(text.utf8).write(to: URL(fileURLWithPath: input))
    let command = try TrainBPE.parse([input, "--vocab-size", "300", "-o", output, "--quiet"])
    try command.run()
    let encoder = try BytePairEncoder.load(tiktokenFile: output, preTokenizer: .gpt2)
    #expect(encoder.mergeableTokenCount > 256)
    let ids = try encoder.encode("the cat sat")
    #expect(ids.count < "the cat sat".utf8.count)
    #expect(try encoder.decodeText(ids) == "the cat sat")
  }
}
