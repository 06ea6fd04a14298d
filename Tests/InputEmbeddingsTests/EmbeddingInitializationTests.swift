import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing
import WordEmbeddings

@testable import InputEmbeddings

@Suite struct EmbeddingInitializationTests {
  @Test func npyRoundTripAndShapeErrors() throws {
    let dir = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let m = Matrix(rows: 3, columns: 5, values: (0..<15).map { Float($0) / 3 })
    let path = dir.appendingPathComponent("wte.npy").path
    try NumpyArrayFile.write(m, to: path)
    #expect(relativeError(try NumpyArrayFile.read(path: path), m) == 0)
    let table = try EmbeddingTable(rows: 3, dimension: 4)
    do {
      try table.load(try NumpyArrayFile.read(path: path), source: path)
      Issue.record("a 3 × 5 matrix loaded into a 3 × 4 table")
    } catch { #expect("\(error)".contains("holds a 3 × 5 matrix but this table is 3 × 4")) }
    try Data("not numpy".utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: EmbeddingError.self) { _ = try NumpyArrayFile.read(path: path) }
  }

  /// Writes a minimal safetensors file by hand (GPT-2 names).
  func writeSafetensors(_ tensors: [(String, Matrix)], to path: String) throws {
    var header: [String] = []
    var offset = 0
    var body = Data()
    for (name, m) in tensors {
      header.append(
        "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(m.rows),\(m.columns)],\"data_offsets\":[\(offset),\(offset + m.count * 4)]}"
      )
      body.append(Data(bytes: m.baseAddress, count: m.count * 4))
      offset += m.count * 4
    }
    let json = Data(
      ("{\"__metadata__\":{\"format\":\"pt\"}," + header.joined(separator: ",") + "}").utf8)
    var data = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(json)
    data.append(body)
    try data.write(to: URL(fileURLWithPath: path))
  }

  @Test func safetensorsWithGPT2Names() throws {
    let dir = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let wte = Matrix(rows: 6, columns: 4, values: (0..<24).map { Float($0) })
    let wpe = Matrix(rows: 3, columns: 4, values: (0..<12).map { -Float($0) })
    let path = dir.appendingPathComponent("model.safetensors").path
    try writeSafetensors(
      [("transformer.wte.weight", wte), ("transformer.wpe.weight", wpe)], to: path)
    let layer = try InputEmbeddingLayer(safetensorsPath: path)
    #expect(layer.vocabularySize == 6 && layer.contextLength == 3 && layer.dimension == 4)
    #expect(relativeError(layer.tokenEmbedding.weights, wte) == 0)
    let short = try InputEmbeddingLayer(safetensorsPath: path, contextLength: 2)
    #expect(short.contextLength == 2)
    #expect(throws: EmbeddingError.self) {
      _ = try InputEmbeddingLayer(safetensorsPath: path, contextLength: 4)
    }
    let bad = dir.appendingPathComponent("bad.safetensors").path
    try writeSafetensors(
      [("wte.weight", wte), ("wpe.weight", Matrix(rows: 3, columns: 5))], to: bad)
    do {
      _ = try InputEmbeddingLayer(safetensorsPath: bad)
      Issue.record("mismatched dimensions were accepted")
    } catch { #expect("\(error)".contains("dimensions must be equal")) }
    let missing = dir.appendingPathComponent("missing.safetensors").path
    try writeSafetensors([("wte.weight", wte)], to: missing)
    #expect(throws: EmbeddingError.self) { _ = try InputEmbeddingLayer(safetensorsPath: missing) }
  }

  @Test func wordVectorsInitMatchesTokenStrings() throws {
    let vectors = try WordVectors(
      words: ["the", "king", "Paris"],
      matrix: Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6]))
    let table = try EmbeddingTable(rows: 5, dimension: 2)
    table.fillNormal(standardDeviation: 0.01, seed: 1)
    let before = table.weights.copy()
    let report = try table.initialize(
      from: vectors, tokenStrings: [" the", "King", " Paris", "zzz", nil])
    #expect(report.tokens == 4)
    #expect(report.matched == 3)
    #expect(report.unmatchedExamples == ["zzz"])
    #expect(table.weights.row(0) == [1, 2])
    #expect(table.weights.row(1) == [3, 4])
    #expect(table.weights.row(2) == [5, 6])
    #expect(table.weights.row(3) == before.row(3))
    #expect("\(report)" == "3 of 4 tokens (75.0%) matched a word vector")
    // Scaled to a target spread, directions kept.
    let scaled = try EmbeddingTable(rows: 5, dimension: 2)
    try scaled.initialize(
      from: vectors, tokenStrings: [" the", "King", " Paris", "zzz", nil],
      matchStandardDeviation: 0.02)
    let ratio = scaled.weights[1, 0] / scaled.weights[1, 1]
    #expect(abs(ratio - 0.75) < 1e-5)
    #expect(throws: EmbeddingError.self) {
      try EmbeddingTable(rows: 5, dimension: 3).initialize(
        from: vectors, tokenStrings: Array(repeating: nil, count: 5))
    }
  }
}
