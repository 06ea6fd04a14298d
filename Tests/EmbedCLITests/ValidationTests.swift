import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Testing

@testable import embed

/// Hostile numbers and option combinations: each a clear error, never NaN output or a trap.
@Suite struct ValidationTests {
  func textFile(_ text: String) throws -> String {
    let path = makeTemporaryDirectory("validation").appendingPathComponent("t.txt").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func standardDeviationsMustBeFiniteAndPositive() {
    for bad in ["nan", "-1", "0", "1e39", "inf"] {
      #expect(throws: (any Error).self, "inputs --std \(bad)") {
        try Inputs.parse(["x.txt", "--std", bad])
      }
      #expect(throws: (any Error).self, "train-lm --std \(bad)") {
        try TrainLM.parse(["x.txt", "--std", bad])
      }
    }
    #expect(throws: Never.self) { try Inputs.parse(["x.txt", "--std", "0.02"]) }
  }

  @Test func hugePlotCanvasIsRejected() {
    for args in [["--height", "9223372036854775807"], ["--width", "20001"]] {
      #expect(throws: (any Error).self, "\(args)") { try Plot.parse(["v.bin"] + args) }
    }
    #expect(throws: Never.self) { try Plot.parse(["v.bin", "--width", "1200"]) }
  }

  @Test func hugeMaxBytesReadsOnlyWhatTheFileHolds() throws {
    let path = try textFile("one two three\nfour five\n")
    let text = try TextTokenIDs(path: path, encoding: .gpt2, maxBytes: Int.max)
    #expect(text.bytes == 24)
    let cut = try TextTokenIDs(path: path, encoding: .gpt2, maxBytes: 16)
    #expect(cut.bytes == 14)  // after the line break
  }

  @Test func learningRatesAndFractionsAreChecked() {
    for args in [
      ["--lr", "nan"], ["--lr", "-0.1"], ["--lr", "0"], ["--weight-decay", "nan"],
      ["--validation", "0"], ["--validation", "1"],
    ] {
      #expect(throws: (any Error).self, "\(args)") { try TrainLM.parse(["x.txt"] + args) }
    }
    for args in [
      ["--alpha", "nan"], ["--alpha", "-1"], ["--sample", "-1"], ["--max-vocab", "-3"],
    ] {
      #expect(throws: (any Error).self, "\(args)") { try Train.parse(["x.txt"] + args) }
    }
  }

  @Test func divergingLanguageModelStopsWithAClearError() throws {
    let words = "the cat sat on the mat and the dog sat on the log while a bird sang. "
    let path = try textFile(String(repeating: words, count: 30))
    let out = makeTemporaryDirectory("validation").appendingPathComponent("lm.bin").path
    let command = try TrainLM.parse([
      path, "--lr", "1e30", "--dim", "8", "--context", "4", "--batch", "4", "--epochs", "1",
      "--quiet", "-o", out,
    ])
    do {
      try command.run()
      Issue.record("--lr 1e30 trained and saved")
    } catch {
      #expect("\(error)".contains("diverged"), "\(error)")
      #expect("\(error)".contains("learning rate"), "\(error)")
    }
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func decodingWordIDsNeedsAVocabulary() throws {
    #expect(throws: (any Error).self) {
      try Tokenize.parse(["--decode", "--encoding", "words", "0 1 2"])
    }
    #expect(throws: Never.self) {
      try Tokenize.parse(["--decode", "--encoding", "words", "--vocab", "v.txt", "0 1 2"])
    }
  }

  @Test func topAndRestrictMustSelectSomething() {
    for args in [["--top", "0"], ["--top", "-1"], ["--restrict", "0"], ["--restrict", "-2"]] {
      #expect(throws: (any Error).self, "\(args)") {
        try Similar.parse(["king", "--vectors", "v.bin"] + args)
      }
      #expect(throws: (any Error).self, "\(args)") {
        try Analogy.parse(["king", "-", "man", "--vectors", "v.bin"] + args)
      }
    }
    #expect(throws: (any Error).self) { try Evaluate.parse(["v.bin", "--restrict", "0"]) }
  }

  @Test func danglingOperatorIsAnError() {
    do {
      _ = try Analogy.parse(["the", "-"])
      Issue.record("'the -' accepted")
    } catch {
      #expect("\(error)".contains("ends with an operator"), "\(error)")
    }
    #expect(throws: (any Error).self) { try Analogy.parse(["king", "+"]) }
  }

  @Test func specialTokenOptionsAreChecked() throws {
    #expect(throws: (any Error).self) {
      try Tokenize.parse(["--allow-special", "all", "--special-as-text", "x"])
    }
    let command = try Tokenize.parse(["--allow-special", "<|bogus|>", "x"])
    let gpt2 = try BytePairEncoder.named(.gpt2)
    do {
      _ = try command.allowedSpecial(for: gpt2)
      Issue.record("<|bogus|> accepted")
    } catch {
      #expect("\(error)".contains("<|bogus|>") && "\(error)".contains("<|endoftext|>"))
    }
    let listed = try Tokenize.parse([
      "--allow-special", "<|endoftext|>", "--special-as-text", "x",
    ])
    #expect(try listed.allowedSpecial(for: gpt2) == ["<|endoftext|>"])
    #expect(throws: (any Error).self) {
      try Tokenize.parse(["--encoding", "words", "--allow-special", "all", "x"])
    }
  }

  @Test func trainBPEOnAnEmptyFileWritesNothing() throws {
    let path = try textFile("")
    let out = URL(fileURLWithPath: path).deletingLastPathComponent()
      .appendingPathComponent("empty.tiktoken").path
    do {
      try TrainBPE.parse([path, "--vocab-size", "300", "-o", out, "--quiet"]).run()
      Issue.record("an empty file made a vocabulary")
    } catch {
      #expect("\(error)".contains("no merge learned"), "\(error)")
    }
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func unusedO200kIDsAreNamed() throws {
    let o200k = try BytePairEncoder.named(.o200k_base)
    do {
      _ = try o200k.decode([199_998])
      Issue.record("199998 decoded")
    } catch {
      let text = "\(error)"
      #expect(text.contains("unused") && text.contains("199998"), "\(text)")
    }
    #expect(throws: (any Error).self) { try o200k.decode([o200k.vocabularySize]) }
  }

  @Test func hugeTiktokenRankIsTooLarge() throws {
    let path = try textFile("YQ== 0\nYg== 99999999999999\n")
    do {
      _ = try BytePairEncoder.load(tiktokenFile: path, preTokenizer: .gpt2)
      Issue.record("rank 99999999999999 accepted")
    } catch {
      #expect("\(error)".contains("too large"), "\(error)")
      #expect("\(error)".contains("line 2"), "\(error)")
    }
    let negative = try textFile("YQ== -1\n")
    do {
      _ = try BytePairEncoder.load(tiktokenFile: negative, preTokenizer: .gpt2)
      Issue.record("rank -1 accepted")
    } catch {
      #expect("\(error)".contains("not a non-negative integer"), "\(error)")
    }
  }
}
