import EmbeddingCore
import Foundation
import Testing

@testable import InputEmbeddings

/// Forward output, loss and gradients against the numpy reference
/// (`Benchmarks/input_embeddings_reference.py fixtures`), within 1e-5 relative.
@Suite struct ReferenceParityTests {
  func model(tied: Bool) throws -> NextTokenModel {
    let layer = try InputEmbeddingLayer(
      tokenEmbeddingPath: FixtureFiles.path("model_wte.npy"),
      positionEmbeddingPath: FixtureFiles.path("model_wpe.npy"))
    let model = try NextTokenModel(inputLayer: layer, tiedOutput: tied)
    if !tied {
      try model.outputWeights.load(try FixtureFiles.matrix("model_wout.npy"), source: "wout")
    }
    return model
  }

  @Test(arguments: [false, true]) func matchesNumpy(tied: Bool) throws {
    let tag = tied ? "tied" : "untied"
    let ids = try FixtureFiles.ids("model_ids.npy")
    let targets = try FixtureFiles.ids("model_targets.npy")
    let m = try model(tied: tied)
    let batch = Batch(
      batchSize: 3, contextLength: 5, inputs: ids, targets: targets, windowIndices: [0, 1, 2])
    let x = try m.inputLayer.forward(ids, batchSize: 3, contextLength: 5)
    #expect(relativeError(x.values, try FixtureFiles.matrix("model_\(tag)_x.npy")) <= 1e-5)
    let loss = try m.lossAndGradients(batch)
    let expectedLoss = try FixtureFiles.matrix("model_\(tag)_loss.npy")[0, 0]
    #expect(abs(Float(loss) - expectedLoss) <= 1e-5 * abs(expectedLoss))
    let dwte = try #require(m.inputLayer.tokenEmbedding.gradient)
    let dwpe = try #require(m.inputLayer.positionEmbedding.gradient)
    #expect(relativeError(dwte, try FixtureFiles.matrix("model_\(tag)_dwte.npy")) <= 1e-5)
    #expect(relativeError(dwpe, try FixtureFiles.matrix("model_\(tag)_dwpe.npy")) <= 1e-5)
    if !tied {
      let dw = try #require(m.outputWeights.gradient)
      #expect(relativeError(dw, try FixtureFiles.matrix("model_untied_dwout.npy")) <= 1e-5)
    }
    // Evaluation alone gives the same loss and leaves gradients alone.
    m.zeroGradients()
    #expect(abs(try m.loss(batch) - loss) < 1e-6)
    #expect(m.inputLayer.tokenEmbedding.gradient!.buffer.allSatisfy { $0 == 0 })
  }
}
