import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Testing

@testable import embed

@Suite struct DocumentVectorsCommandTests {
  func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func doc2vecTrainThenInferWritesOneRowPerText() throws {
    let dir = makeTemporaryDirectory()
    let corpus = try write(
      (0..<30).map { $0 % 2 == 0 ? "cat dog pet fur cat" : "bank loan cash bank" }
        .joined(separator: "\n") + "\n", "docs.txt", in: dir)
    let model = dir.appendingPathComponent("m.d2v").path
    try Doc2VecTrain.parse([
      corpus, "-o", model, "--dm", "0", "--dim", "8", "--epochs", "2", "--min-count", "1",
      "--threads", "1", "--quiet", "--save-vectors", dir.appendingPathComponent("d.txt").path,
    ]).run()
    let loaded = try Doc2Vec.load(from: model)
    #expect(loaded.tags.count == 30 && loaded.vectorSize == 8 && !loaded.configuration.dm)
    let docs = try WordVectors.load(contentsOf: dir.appendingPathComponent("d.txt").path)
    #expect(docs.count == 30 && docs.word(at: 29) == "29")
    let input = try write("cat dog\nzebra\n", "q.txt", in: dir)
    let out = dir.appendingPathComponent("q.npy").path
    try Doc2VecInfer.parse(["--model", model, "--input", input, "-o", out]).run()
    let rows = try NumpyArrayFile.read(path: out)
    #expect(rows.rows == 2 && rows.columns == 8)
    #expect(rows.row(1) == [Float](repeating: 0, count: 8))
  }

  @Test func sifFitThenEncodeSifAndMean() throws {
    let dir = makeTemporaryDirectory()
    let vectors = try write(
      "4 3\nthe 1 1 0\ncat 2 0 0\ndog 0 2 0\nsat 0 0 4\n", "v.txt", in: dir)
    let corpus = try write("The cat sat.\nthe dog, the cat\n", "c.txt", in: dir)
    let sif = dir.appendingPathComponent("sif.model").path
    try SIFFit.parse(["--vectors", vectors, corpus, "-o", sif, "--normalize", "text8"]).run()
    let model = try SIFModel.load(from: sif)
    #expect(model.normalization == .text8 && model.corpusWords == 7)
    let input = try write("A cat sat!\n???\n", "s.txt", in: dir)
    for extra in [[], ["--mean"]] {
      let out = dir.appendingPathComponent("s.npy").path
      try SIFEncode.parse(["--model", sif, "--input", input, "-o", out] + extra).run()
      let rows = try NumpyArrayFile.read(path: out)
      #expect(rows.rows == 2 && rows.columns == 3)
      #expect(rows.row(1) == [0, 0, 0])
      let norm = rows.row(0).map { $0 * $0 }.reduce(0, +).squareRoot()
      #expect(abs(norm - 1) < 1e-5)
    }
  }
}
