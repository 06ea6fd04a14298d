import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Retrieval
import Testing

@testable import embed

/// `embed distill`, static models in `embed encode` and the index, and the shipped static model.
@Suite struct StaticModelCommandTests {
  @Test func distillWritesAModelThatEncodeAndTheIndexUse() async throws {
    let dir = makeTemporaryDirectory("distill")
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("tiny.eks").path
    try Distill.parse([
      "--model", SentenceCommandTests.model, "-o", model, "--dim", "16", "--precision", "int8",
      "--quiet",
    ]).run()
    let encoder = try StaticEncoder(path: model)
    #expect(encoder.dimension == 16 && encoder.descriptor.name == "tiny")
    #expect(ShippedStaticModel.isStaticModelFile(model))
    #expect(!ShippedStaticModel.isStaticModelFile(SentenceCommandTests.model))

    let out = dir.appendingPathComponent("v.npy").path
    try Encode.parse(["--model", model, "the cat sat", "a river bank", "-o", out, "--quiet"]).run()
    let m = try NumpyArrayFile.read(path: out)
    #expect(m.rows == 2 && m.columns == 16)
    #expect(m.row(1) == (try encoder.encode("a river bank")))
    #expect(throws: (any Error).self) {
      try Encode.parse(["--model", model, "x", "--dimensions", "8"]).run()
    }

    // --model FILE.eks alone selects the static kind; the index records it and reloads it.
    let spec = try IndexEncoderOptions.parse(["--model", model]).spec(recordedIn: nil)
    #expect(spec.kind == "static")
    let loaded = try #require(try spec.load())
    #expect(loaded.descriptor == encoder.descriptor)
    #expect(EncoderSpec(recorded: spec.recorded) == spec)
  }

  @Test func distillRefusesBadOptions() throws {
    let out = makeTemporaryDirectory("distill-bad").appendingPathComponent("m.eks").path
    for args in [
      ["--dim", "33"], ["--weighting", "idf"], ["--precision", "int4"], ["--whiten", "2"],
    ] {
      #expect(throws: (any Error).self) {
        try Distill.parse(["--model", SentenceCommandTests.model, "-o", out, "--quiet"] + args)
          .run()
      }
    }
  }

  @Test func theShippedModelIsTheDefaultAndRanksByMeaning() throws {
    let encoder = try ShippedStaticModel.encoder()
    #expect(encoder.dimension == 160)
    #expect(encoder.model.metadata.sourceModel == "all-MiniLM-L6-v2")
    #expect(encoder.model.rows.rows == 30522)
    let v = try encoder.encode(
      [
        "A man is playing a guitar.", "Someone plays music on an instrument.",
        "The stock market fell.",
      ],
      role: .plain)
    func cos(_ i: Int, _ j: Int) -> Float {
      VectorKernels.dot(v.rowPointer(i), v.rowPointer(j), encoder.dimension)
    }
    #expect(cos(0, 1) > cos(0, 2) + 0.1)
    let loaded = try SentenceModelOptions.parse([]).loadEncoder()
    #expect(loaded.encoder.descriptor == encoder.descriptor)
    let factory = try EncoderFactory.load(kind: "static", model: nil)
    #expect(factory.descriptor == encoder.descriptor)
  }

  @Test func quickstartStaticAndRetrievalStepsRun() async throws {
    let dir = makeTemporaryDirectory("qs-static")
    defer { try? FileManager.default.removeItem(at: dir) }
    let steps = QuickstartSteps(outputDirectory: dir.path)
    let encoder = try steps.staticEmbeddingsStep()
    try await steps.retrievalStep(encoder: encoder)
    let index = try RetrievalIndex(
      path: dir.appendingPathComponent("grimm.sqlite").path, encoder: nil)
    #expect(try index.info.documents == 353)
    #expect(try index.attribute("encoder") == "static:")
    // Dense search finds Rumpelstiltskin's straw-into-gold paragraph without the name.
    let dense = try RetrievalIndex(
      path: dir.appendingPathComponent("grimm.sqlite").path, encoder: encoder)
    let hits = try await dense.search("a man who spins straw into gold", k: 5, mode: .dense)
    #expect(hits.contains { $0.chunk.lowercased().contains("straw") })
  }
}
