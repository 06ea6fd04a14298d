import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Tokenization

@Suite struct VocabularyFileTests {
  func write(_ text: String, _ name: String) throws -> String {
    let path = makeTemporaryDirectory("vocab").appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// A complete byte-level table (256 single bytes) plus a few merges, as .tiktoken text.
  func tinyTiktoken(extra: String = "") -> String {
    var lines = (0..<256).map { "\(Data([UInt8($0)]).base64EncodedString()) \($0)" }
    lines.append("\(Data("ab".utf8).base64EncodedString()) 256")
    return lines.joined(separator: "\n") + "\n" + extra
  }

  @Test func tiktokenRoundTripThroughFile() throws {
    let path = try write(tinyTiktoken(), "tiny.tiktoken")
    let encoder = try BytePairEncoder.load(tiktokenFile: path, preTokenizer: .gpt2)
    #expect(try encoder.encode("abc") == [256, 99])
    let copy = path + ".copy"
    try TiktokenFile.write(encoder.mergeableRanks, to: copy)
    #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(tinyTiktoken().utf8))
  }

  @Test func corruptTiktokenNamesFileAndLine() throws {
    let badBase64 = try write(tinyTiktoken(extra: "!!notbase64 257\n"), "bad.tiktoken")
    #expect(
      throws: EmbeddingError.malformed(
        path: badBase64, location: "line 258", reason: "invalid base64 token '!!notbase64'")
    ) { try TiktokenFile.read(path: badBase64) }
    let truncated = try write(String(tinyTiktoken().dropLast(3)), "cut.tiktoken")
    do {
      _ = try TiktokenFile.read(path: truncated)
      Issue.record("a truncated line must be an error")
    } catch let EmbeddingError.malformed(path, location, reason) {
      #expect(path == truncated && location == "line 257" && reason.contains("truncated"))
    }
    let missingBytes = try write("YQ== 0\nYg== 1\n", "small.tiktoken")
    #expect(throws: EmbeddingError.self) {
      try BytePairEncoder.load(tiktokenFile: missingBytes, preTokenizer: .gpt2)
    }
    let duplicate = try write(tinyTiktoken(extra: "YWI= 257\n"), "dup.tiktoken")
    #expect(throws: EmbeddingError.self) {
      try BytePairEncoder.load(tiktokenFile: duplicate, preTokenizer: .gpt2)
    }
  }

  @Test func truncatedNamedVocabularyIsAnError() throws {
    let directory = makeTemporaryDirectory("named")
    let path = directory.appendingPathComponent("r50k_base.tiktoken").path
    try Data(tinyTiktoken().utf8).write(to: URL(fileURLWithPath: path))
    do {
      _ = try BytePairEncoder.named(.gpt2, directory: directory.path)
      Issue.record("a short gpt2 vocabulary must be an error")
    } catch let EmbeddingError.malformed(errorPath, location, reason) {
      #expect(errorPath == path && location == "line 257" && reason.contains("truncated"))
    }
  }

  @Test(.enabled(if: SharedData.has("tokenizers/gpt2"), "needs ../shared/data/tokenizers/gpt2"))
  func gpt2OriginalFilesMatchShippedRanks() throws {
    let dir = try #require(SharedData.path("tokenizers/gpt2"))
    let fromJSON = try BytePairEncoder.named(.gpt2, directory: dir)
    let shipped = try BytePairEncoder.named(.gpt2)
    #expect(fromJSON.mergeableTokenCount == 50256)
    let text = "Loading GPT-2's encoder.json and vocab.bpe gives the same ranks."
    #expect(try fromJSON.encode(text) == shipped.encode(text))
  }

  @Test func wordVocabularyFileErrors() throws {
    let good = try write("a\nb\n<|unk|>\n", "vocab.txt")
    let vocabulary = try Vocabulary.load(path: good)
    #expect(vocabulary.tokens == ["a", "b", "<|unk|>"] && vocabulary.unknownID == 2)
    let empty = try write("a\n\nb\n", "empty-line.txt")
    #expect(
      throws: EmbeddingError.malformed(
        path: empty, location: "line 2", reason: "empty line (every line must hold one token)")
    ) { try Vocabulary.load(path: empty) }
    let duplicate = try write("a\nb\na\n", "dup.txt")
    #expect(
      throws: EmbeddingError.malformed(
        path: duplicate, location: "line 3", reason: "token 'a' already given on line 1")
    ) { try Vocabulary.load(path: duplicate) }
    let saved = good + ".saved"
    try vocabulary.save(to: saved)
    #expect(try Vocabulary.load(path: saved) == vocabulary)
  }
}

@Suite struct CompressedVocabularyTests {
  @Test(
    .enabled(
      if: SharedData.has("tokenizers/cl100k_base.tiktoken.gz"),
      "needs ../shared/data/tokenizers/cl100k_base.tiktoken.gz"))
  func truncatedGzipNamesFileAndLine() throws {
    let source = try #require(SharedData.path("tokenizers/cl100k_base.tiktoken.gz"))
    let bytes = try Data(contentsOf: URL(fileURLWithPath: source))
    let path = makeTemporaryDirectory("gz").appendingPathComponent("cut.tiktoken.gz").path
    try bytes.prefix(20_000).write(to: URL(fileURLWithPath: path))
    do {
      _ = try TiktokenFile.read(path: path)
      Issue.record("a truncated .gz must be an error")
    } catch let EmbeddingError.malformed(errorPath, location, reason) {
      #expect(errorPath == path && location.hasPrefix("line ") && reason.contains("truncated"))
    }
  }

  @Test(.enabled(if: SharedData.has("tokenizers/gpt2"), "needs ../shared/data/tokenizers/gpt2"))
  func truncatedEncoderJSONIsAnError() throws {
    let dir = try #require(SharedData.path("tokenizers/gpt2"))
    let target = makeTemporaryDirectory("gpt2cut")
    let json = try Data(contentsOf: URL(fileURLWithPath: dir + "/encoder.json"))
    try json.prefix(500_000).write(to: target.appendingPathComponent("encoder.json"))
    try FileManager.default.copyItem(
      atPath: dir + "/vocab.bpe", toPath: target.appendingPathComponent("vocab.bpe").path)
    #expect(throws: EmbeddingError.self) {
      try GPT2VocabularyFiles.read(
        encoderJSON: target.appendingPathComponent("encoder.json").path,
        vocabBPE: target.appendingPathComponent("vocab.bpe").path)
    }
  }
}
