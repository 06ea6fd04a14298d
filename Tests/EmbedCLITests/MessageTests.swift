import ArgumentParser
import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Testing

@testable import embed

/// Help texts, notes and headers say what the command does.
@Suite struct MessageTests {
  static let commands: [ParsableCommand.Type] = [
    Quickstart.self, Tokenize.self, TrainBPE.self, Train.self, Similar.self, Analogy.self,
    Evaluate.self, Convert.self, Inputs.self, TrainLM.self, Plot.self,
  ]

  @Test func examplesAreNotWrappedMidCommand() {
    for command in Self.commands {
      let discussion = command.configuration.discussion
      let help = command.helpMessage(columns: 80)
      let lines = Set(help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
      for example in discussion.split(separator: "\n")
      where example.trimmingCharacters(in: .whitespaces).hasPrefix("embed ") {
        let text = example.trimmingCharacters(in: .whitespaces)
        #expect(lines.contains(text), "\(command): '\(text)' is wrapped at 80 columns")
      }
    }
  }

  @Test func overviewsHaveNoHardLineBreaksInsideParagraphs() {
    for command in [Quickstart.self, Embed.self] as [ParsableCommand.Type] {
      for paragraph in command.configuration.discussion.components(separatedBy: "\n\n") {
        #expect(!paragraph.contains("\n"), "\(command): '\(paragraph)'")
      }
    }
  }

  @Test func trainLMHelpNamesItsRealOptions() {
    let help = TrainLM.helpMessage(columns: 200)
    #expect(help.contains("--init-vectors VECTORS"))
    #expect(!help.contains("--init VECTORS"))
    #expect(help.contains("-o, --output"))
    #expect(!help.contains("(whole lines)"))
    #expect(help.contains("adamw") && help.contains("sgd"))
  }

  @Test func threadsHelpShowsOneDefault() {
    for help in [Plot.helpMessage(columns: 200), Train.helpMessage(columns: 200)] {
      #expect(help.contains("Worker threads (default: $EMBEDDINGKIT_THREADS, else the number of cores)."))
      #expect(!help.contains("cores). (default:"), "\(help)")
    }
  }

  @Test func typedOptionsListTheirValuesAndAcceptAliases() throws {
    let help = Tokenize.helpMessage(columns: 200)
    #expect(help.contains("o200k_base") && help.contains("words"))
    #expect(try Tokenize.parse(["--encoding", "cl100k", "x"]).encoding == .cl100k_base)
    #expect(try Tokenize.parse(["--pattern", "cl100k_base", "x"]).pattern == .cl100k)
    #expect(try Train.parse(["a.txt", "--model", "sg"]).model == .skipGram)
    #expect(try Analogy.parse(["a", "--vectors", "v", "--method", "3CosMul"]).method == .cosmul)
    #expect(try Convert.parse(["a", "b", "--to", "bin"]).to == .word2vecBinary)
    #expect(try Similar.parse(["a", "--vectors", "v", "--format", "EKV"]).file.format == .native)
    #expect(try TrainLM.parse(["a.txt", "--encoding", "o200k"]).encoding == .o200k_base)
    #expect(throws: (any Error).self) { try TrainLM.parse(["a.txt", "--optimizer", "adam"]) }
    #expect(throws: (any Error).self) { try Convert.parse(["a", "b", "--to", "pickle"]) }
  }

  @Test func plotGroupsAreNotReportedAsDuplicates() throws {
    let command = try Plot.parse([
      "v.txt", "--group", "birds=eagle,owl", "--group", "cities=paris,rome", "--words", "owl",
    ])
    let (words, groups) = try command.requestedWords()
    #expect(words == ["owl", "eagle", "paris", "rome"])
    #expect(groups.category(of: "owl") == "birds")
    let m = Matrix(rows: 4, columns: 2)
    for i in 0..<4 { m[i, i % 2] = 1 }
    let vectors = try WordVectors(words: ["eagle", "owl", "paris", "rome"], matrix: m)
    let selection = try WordSelection(vectors: vectors, words: words, top: nil)
    #expect(selection.notes.isEmpty, "\(selection.notes)")
    // A word really given twice is still reported.
    let twice = try Plot.parse(["v.txt", "--words", "owl,owl"]).requestedWords().words
    #expect(try WordSelection(vectors: vectors, words: twice, top: nil).notes.count == 1)
  }

  @Test func plotAcceptsTheOptionItsErrorsAdvise() throws {
    let dir = makeTemporaryDirectory("plot-nan")
    let path = dir.appendingPathComponent("v.txt").path
    let text = "3 2\neagle 1 0\nowl 0.9 0.1\nbad nan 1\n"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let out = dir.appendingPathComponent("p.svg").path
    do {
      try Plot.parse([path, "--words", "eagle,owl", "-q", "-o", out]).run()
      Issue.record("NaN loaded")
    } catch {
      #expect("\(error)".contains("--allow-non-finite"))
    }
    try Plot.parse([path, "--words", "eagle,owl", "--allow-non-finite", "-q", "-o", out]).run()
    #expect(FileManager.default.fileExists(atPath: out))
  }

  @Test func analogyHeaderIsWhatTheUserWrote() {
    #expect(
      Analogy.header(expression: ["king", "-", "man", "+", "woman"], positive: [], negative: [])
        == "king - man + woman")
    #expect(
      Analogy.header(expression: [], positive: ["paris", "germany"], negative: ["france"])
        == "paris + germany - france")
  }

  @Test func wordTokensShowTheTokenEncoded() throws {
    let vocabulary = Vocabulary(buildingFrom: "the cat sat.")
    let tokens = try Tokenize.encodedTokens(
      "Hello, the cat", WordTokenizer(vocabulary: vocabulary))
    #expect(tokens == ["<|unk|>", "<|unk|>", "the", "cat"])
  }

  @Test func maxBytesCutsAtLinesThenSpacesThenCharacters() {
    let lines = Array("one two\nthree four\nfive".utf8)
    #expect(TextTokenIDs.cutPoint(lines, limit: 14) == 8)  // after "one two\n"
    let line = Array("one two three".utf8)
    #expect(TextTokenIDs.cutPoint(line, limit: 10) == 8)  // after "one two "
    let word = Array("ééé".utf8)  // 2 bytes each
    #expect(TextTokenIDs.cutPoint(word, limit: 3) == 2)  // not inside the second é
  }

  @Test func jsonOutputUsesCodableKeys() throws {
    let report = EvaluationJSON(
      vectors: "v.bin", words: 3, restrict: 10,
      pairs: .init(file: "p", pearson: .nan, spearman: 0.5, pairs: 2, oov: 0, oov_percent: 0))
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    encoder.outputFormatting = [.sortedKeys]
    let text = String(decoding: try encoder.encode(report), as: UTF8.self)
    #expect(text.contains("\"oov_percent\":0") && text.contains("\"pearson\":\"NaN\""))
    #expect(!text.contains("analogies"))
  }
}
