import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Testing

@testable import embed

/// `embed encode` and `embed similarity` on the tiny fixture model of SentenceEmbeddingsTests.
@Suite struct SentenceCommandTests {
  static let model = SharedData.packageRoot
    .appendingPathComponent("Tests/SentenceEmbeddingsTests/Fixtures/mean").path

  @Test func encodeWritesNpyJsonlAndEkvInInputOrder() throws {
    let dir = makeTemporaryDirectory("encode")
    let input = dir.appendingPathComponent("texts.txt").path
    let lines = ["the cat sat on the mat", "", "a river bank", "money in the bank", "hello world"]
    try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: input))
    let encoder = try SentenceEncoder(directory: Self.model)
    let expected = try encoder.encode(lines, role: .plain)
    for ext in ["npy", "jsonl", "ekv"] {
      let out = dir.appendingPathComponent("v.\(ext)").path
      try Encode.parse(["--model", Self.model, "-f", input, "-o", out, "--chunk", "2", "--quiet"])
        .run()
      switch ext {
      case "npy":
        let m = try NumpyArrayFile.read(path: out)
        #expect(m.rows == 5 && m.columns == 32)
        #expect(m.buffer.elementsEqual(expected.buffer))
      case "jsonl":
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 5)
        let first = try #require(
          try JSONSerialization.jsonObject(with: Data(rows[2].utf8)) as? [String: Any])
        #expect(first["text"] as? String == "a river bank")
        let vector = try #require(first["vector"] as? [Double])
        #expect(vector.map(Float.init) == expected.row(2))
      default:
        let wv = try WordVectors.load(contentsOf: out)
        #expect(wv.count == 5 && wv.dimension == 32)
        #expect(wv.matrix.row(3) == expected.row(3))
      }
    }
  }

  @Test func encodePrecisionsAndBadOptions() throws {
    let dir = makeTemporaryDirectory("encode-precision")
    let out = dir.appendingPathComponent("b.npy").path
    try Encode.parse([
      "--model", Self.model, "a cat", "a dog", "a bank", "-o", out, "--precision", "ubinary",
      "--quiet",
    ]).run()
    let size = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int
    #expect(size == 128 + 3 * 4)
    #expect(throws: (any Error).self) {
      try Encode.parse(["--model", Self.model, "x", "--precision", "int4"]).run()
    }
    #expect(throws: (any Error).self) {
      try Encode.parse([
        "--model", Self.model, "x", "-o", dir.path + "/v.ekv", "--precision", "int8",
      ])
      .run()
    }
    #expect(throws: (any Error).self) {
      try Encode.parse(["--model", dir.path + "/no-such-model", "x"]).run()
    }
  }

  /// Bad input lines: invalid UTF-8 is decoded with U+FFFD replacements, NUL bytes are kept as
  /// text, a 1.1 MB line is truncated like any long text, an empty line is encoded: one unit
  /// vector per line, in order, never an error.
  @Test func encodeHandlesInvalidUTF8NulAndHugeLines() throws {
    let dir = makeTemporaryDirectory("encode-bad-input")
    let input = dir.appendingPathComponent("bad.txt").path
    var bytes: [UInt8] = [0xFF, 0xFE, 0x61, 0x62, 0x63, 0x0A]  // invalid UTF-8, then "abc"
    bytes += [0x00, 0x78, 0x00, 0x0A]  // NUL x NUL
    bytes += [UInt8](repeating: 0x78, count: 1_100_000) + [0x0A]  // a 1.1 MB line
    bytes += [0x0A]  // an empty line
    bytes += Array("a cat\n".utf8)
    try Data(bytes).write(to: URL(fileURLWithPath: input))
    let out = dir.appendingPathComponent("v.npy").path
    try Encode.parse(["--model", Self.model, "-f", input, "-o", out, "--quiet"]).run()
    let m = try NumpyArrayFile.read(path: out)
    #expect(m.rows == 5 && m.columns == 32)
    for r in 0..<m.rows {
      let norm = VectorKernels.norm(m.rowPointer(r), m.columns)
      #expect(abs(norm - 1) < 1e-5, "row \(r) has norm \(norm)")
    }
    let encoder = try SentenceEncoder(directory: Self.model)
    let expected = try encoder.encode(
      ["\u{FFFD}\u{FFFD}abc", "\u{0}x\u{0}", "", "a cat"], role: .plain)
    #expect(m.row(0) == expected.row(0), "invalid UTF-8 is read as U+FFFD")
    #expect(m.row(1) == expected.row(1), "NUL bytes are kept")
    #expect(m.row(3) == expected.row(2) && m.row(4) == expected.row(3))
  }

  @Test func similarityMatrixIsSymmetricWithUnitDiagonal() throws {
    let encoder = try SentenceEncoder(directory: Self.model)
    let m = Similarity.cosines(try encoder.encode(["a cat", "a dog", "money"], role: .plain))
    for i in 0..<3 {
      #expect(abs(m[i][i] - 1) < 1e-5)
      for j in 0..<3 { #expect(abs(m[i][j] - m[j][i]) < 1e-6) }
    }
    #expect(throws: (any Error).self) { try Similarity.parse(["--model", Self.model, "one"]) }
  }
}

/// The quickstart's sentence step runs on a local model and goes on without one.
@Suite struct QuickstartSentenceStepTests {
  @Test func runsWithTheFixtureModelAndSkipsWithoutOne() throws {
    let steps = QuickstartSteps(outputDirectory: makeTemporaryDirectory("qs").path)
    try steps.sentenceEmbeddingsStep(model: SentenceCommandTests.model)
    try steps.sentenceEmbeddingsStep(model: "/no/such/model-folder")
  }
}
