import ArgumentParser
import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Retrieval
import Testing

@testable import embed

@Suite struct SearchCommandTests {
  func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func fusionOptionsParseAndDefaultToTheLibrary() throws {
    let plain = try Search.parse(["i.sqlite", "q"])
    let library = FusionParameters()
    #expect(plain.fusion == library.method && plain.alpha == library.alpha)
    #expect(plain.normalization == library.normalization && plain.rrfK == library.constant)
    #expect(plain.denseWeight == library.denseWeight && plain.fusionDepth == library.depth)
    let s = try Search.parse([
      "i.sqlite", "q", "--fusion", "rrf", "--alpha", "0.3", "--normalization", "z", "--rrf-k", "20",
      "--dense-weight", "1.5", "--fusion-depth", "50",
    ])
    #expect(s.fusion == .rrf && s.alpha == 0.3 && s.normalization == .z)
    #expect(s.rrfK == 20 && s.denseWeight == 1.5 && s.fusionDepth == 50)
    #expect(throws: (any Error).self) { try Search.parse(["i.sqlite", "q", "--fusion", "sum"]) }
    #expect(throws: (any Error).self) {
      try Search.parse(["i.sqlite", "q", "--normalization", "rank"])
    }
  }

  @Test func encoderKindsParseAndUnknownOnesAreRejected() throws {
    for kind in ["transformer", "transformer-int8", "sif", "mean", "doc2vec"] {
      #expect(try EncoderSpec(kind: kind, model: "m").kind == kind)
      #expect(EncoderSpec(recorded: "\(kind):/x/m")?.model == "/x/m")
    }
    #expect(throws: ValidationError.self) { try EncoderSpec(kind: "glove", model: nil) }
    #expect(throws: ValidationError.self) { try EncoderFactory.load(kind: "sif", model: nil) }
  }

  /// `embed index add --encoder KIND` then dense search: the index's best document and score are
  /// the ones the encoder itself gives (cosine of the query and passage vectors).
  @Test(arguments: ["sif", "mean", "doc2vec"])
  func documentVectorEncodersIndexAndSearch(kind: String) async throws {
    let dir = makeTemporaryDirectory("search-\(kind)")
    let texts = (0..<24).map {
      ["the cat sat on the mat", "a dog ran in the park", "bank loan cash money"][$0 % 3]
    }
    let corpus = try write(texts.joined(separator: "\n") + "\n", "c.txt", in: dir)
    let model: String
    if kind == "doc2vec" {
      model = dir.appendingPathComponent("m.d2v").path
      try Doc2VecTrain.parse([
        corpus, "-o", model, "--dm", "0", "--dbow-words", "1", "--dim", "8", "--epochs", "20",
        "--min-count", "1", "--threads", "1", "--quiet",
      ]).run()
    } else {
      let vectors = try write(
        """
        9 3
        the 1 1 1
        cat 3 0 0
        sat 2 1 0
        mat 3 1 0
        dog 0 3 0
        park 0 2 1
        bank 0 0 3
        loan 1 0 3
        money 0 1 3

        """, "v.txt", in: dir)
      model = dir.appendingPathComponent("sif.model").path
      try SIFFit.parse(["--vectors", vectors, corpus, "-o", model, "--normalize", "text8"]).run()
    }
    let docs = try write(
      """
      {"id": "pets", "title": "Pets", "text": "The cat sat on the mat."}
      {"id": "walks", "title": "", "text": "A dog in the park."}
      {"id": "money", "title": "", "text": "The bank gave a loan."}

      """, "docs.jsonl", in: dir)
    let index = dir.appendingPathComponent("i.sqlite").path
    try await IndexAdd.parse([index, docs, "--encoder", kind, "--model", model, "--quiet"]).run()

    let encoder = try EncoderFactory.load(kind: kind, model: model)
    let idx = try RetrievalIndex(path: index, encoder: encoder)
    #expect(try idx.info.encoder?.kind == encoder.descriptor.kind)
    #expect(try idx.info.vectors == 3)
    let query = "cat on a mat"
    let q = try encoder.encode(query, role: .query)
    var expected: [(String, Double)] = []
    for (id, body) in [
      ("pets", "Pets\nThe cat sat on the mat."), ("walks", "A dog in the park."),
      ("money", "The bank gave a loan."),
    ] {
      let d = try encoder.encode(body, role: .passage)
      let dot = zip(q, d).reduce(0.0) { $0 + Double($1.0 * $1.1) }
      expected.append((id, dot))
    }
    expected.sort { $0.1 > $1.1 }
    let hits = try idx.rank(query, depth: 3, mode: .dense)
    #expect(hits.map(\.id) == expected.map(\.0))
    #expect(abs((hits.first?.score ?? 0) - expected[0].1) < 1e-5)
    if kind != "doc2vec" { #expect(hits.first?.id == "pets") }
  }
}
