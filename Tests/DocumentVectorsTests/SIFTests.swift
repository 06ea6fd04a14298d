import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing
import WordEmbeddings

@testable import DocumentVectors

@Suite struct SIFTests {
  /// A corpus of 18 words: the ×8, cat ×5, dog ×3, sat ×1, zebra ×1 (unknown).
  func corpus(in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("corpus.txt").path
    let text = """
      the cat sat the dog
      the cat the cat the dog
      the cat zebra the cat the dog
      """
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func weightsAreAOverAPlusFrequency() throws {
    let dir = makeTemporaryDirectory()
    let vectors = try smallVectors()
    let model = try SIFModel.fit(vectors: vectors, corpora: [corpus(in: dir)], a: 0.1)
    #expect(model.corpusWords == 18)
    let expected = [8.0, 5, 3, 1].map { Float(0.1 / (0.1 + $0 / 18)) }
    for (w, e) in zip(model.weights, expected) { #expect(abs(w - e) < 1e-6) }
    #expect(model.componentLines == 3)
    let norm = model.component.map { $0 * $0 }.reduce(0, +).squareRoot()
    #expect(abs(norm - 1) < 1e-5)
  }

  @Test func encodedVectorsAreOrthogonalToTheComponent() throws {
    let dir = makeTemporaryDirectory()
    let vectors = try smallVectors()
    let model = try SIFModel.fit(vectors: vectors, corpora: [corpus(in: dir)], a: 0.1)
    let encoder = try PooledWordEncoder(vectors: vectors, sif: model, normalize: false)
    let rows = try encoder.encode(["the cat", "dog sat", "cat"], role: .plain)
    for r in 0..<3 {
      let dot = zip(rows.row(r), model.component).map { $0 * $1 }.reduce(0, +)
      #expect(abs(dot) < 1e-5)
    }
    // Before removal, "the cat" = (w_the·[1,1,0] + w_cat·[2,0,0]) / 2.
    let w = model.weights
    var expected: [Float] = [(w[0] + 2 * w[1]) / 2, w[0] / 2, 0]
    let p = zip(expected, model.component).map { $0 * $1 }.reduce(0, +)
    for c in 0..<3 { expected[c] -= p * model.component[c] }
    for (x, e) in zip(rows.row(0), expected) { #expect(abs(x - e) < 1e-5) }
    #expect(encoder.descriptor.kind == "sif")
  }

  @Test func firstSingularVectorMaximisesTheProjection() {
    // Rows spread most along (1, 1, 0)/√2.
    let x = Matrix(
      rows: 4, columns: 3, values: [3, 3, 0, -2, -2, 0.5, 0, 0, 1, 1, 0.8, 0])
    let v = SIFModel.firstSingularVector(x, seed: 1)
    func energy(_ u: [Float]) -> Float {
      (0..<4).map { r in
        let d = zip(x.row(r), u).map { $0 * $1 }.reduce(0, +)
        return d * d
      }.reduce(0, +)
    }
    var rng = SeededGenerator(seed: 9)
    for _ in 0..<200 {
      var u = (0..<3).map { _ in rng.nextGaussian() }
      let n = u.map { $0 * $0 }.reduce(0, +).squareRoot()
      u = u.map { $0 / n }
      #expect(energy(u) <= energy(v) + 1e-4)
    }
  }

  @Test func saveAndLoadRoundTrip() throws {
    let dir = makeTemporaryDirectory()
    let vectors = try smallVectors()
    let model = try SIFModel.fit(
      vectors: vectors, corpora: [corpus(in: dir)], normalization: .lowercase,
      vectorsPath: "v.bin")
    let path = dir.appendingPathComponent("sif.model").path
    try model.save(to: path)
    let loaded = try SIFModel.load(from: path)
    #expect(loaded == model)
    #expect(loaded.normalization == .lowercase)
    #expect(loaded.vectorsPath == "v.bin")
  }

  @Test func damagedFilesGiveClearErrors() throws {
    let dir = makeTemporaryDirectory()
    let vectors = try smallVectors()
    let model = try SIFModel.fit(vectors: vectors, corpora: [corpus(in: dir)])
    let path = dir.appendingPathComponent("sif.model").path
    try model.save(to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let truncated = dir.appendingPathComponent("truncated.model").path
    try bytes.prefix(bytes.count - 5).write(to: URL(fileURLWithPath: truncated))
    #expect(throws: EmbeddingError.self) { try SIFModel.load(from: truncated) }
    var newer = bytes
    newer[8] = 9
    let newerPath = dir.appendingPathComponent("newer.model").path
    try newer.write(to: URL(fileURLWithPath: newerPath))
    do {
      _ = try SIFModel.load(from: newerPath)
      Issue.record("a newer version was accepted")
    } catch let error as EmbeddingError {
      #expect("\(error)".contains("newer"))
    }
    let other = dir.appendingPathComponent("other.model").path
    try Data("hello world, not a model".utf8).write(to: URL(fileURLWithPath: other))
    #expect(throws: EmbeddingError.self) { try SIFModel.load(from: other) }
  }

  @Test func refusesOtherVectors() throws {
    let dir = makeTemporaryDirectory()
    let model = try SIFModel.fit(vectors: try smallVectors(), corpora: [corpus(in: dir)])
    let other = try WordVectors(
      words: ["the", "cat", "dog", "sat"], matrix: Matrix(rows: 4, columns: 3))
    #expect(throws: EmbeddingError.self) {
      try PooledWordEncoder(vectors: other, sif: model)
    }
    let wider = try WordVectors(words: ["the"], matrix: Matrix(rows: 1, columns: 5))
    #expect(throws: EmbeddingError.self) { try PooledWordEncoder(vectors: wider, sif: model) }
  }

  @Test func corpusWithNoKnownWordIsAnError() throws {
    let dir = makeTemporaryDirectory()
    let path = dir.appendingPathComponent("unknown.txt").path
    try "zebra okapi\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: EmbeddingError.self) {
      try SIFModel.fit(vectors: try smallVectors(), corpora: [path])
    }
    #expect(throws: EmbeddingError.self) {
      try SIFModel.fit(vectors: try smallVectors(), corpora: [path], a: 0)
    }
  }
}
