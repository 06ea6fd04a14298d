import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Word2Vec

@Suite struct CheckpointTests {
  func trainedModel(hs: Bool = true) throws -> Word2Vec {
    let c = TrainingTests.config(.skipGram, negative: 3, hs: hs)
    return try Word2Vec.train(corpora: [TestCorpus.topics], configuration: c)
  }

  @Test func saveAndLoadRoundTripsEverything() throws {
    let model = try trainedModel()
    let path = makeTemporaryDirectory().appendingPathComponent("model.w2v").path
    try model.save(to: path)
    let loaded = try Word2Vec.load(from: path)
    // The model's shape and schedule are kept; threads and epochs are per-run settings.
    var expected = model.configuration
    expected.threads = loaded.configuration.threads
    expected.epochs = loaded.configuration.epochs
    #expect(loaded.configuration == expected)
    #expect(loaded.vocabulary.words == model.vocabulary.words)
    #expect(loaded.vocabulary.counts == model.vocabulary.counts)
    #expect(loaded.epochsTrained == 3)
    #expect(try TrainingTests.vectors(loaded) == TrainingTests.vectors(model))
    let w = model.weights
    let l = loaded.weights
    for r in 0..<w.rows {
      for d in 0..<w.dimension {
        #expect(w.outputNegative![r * w.stride + d] == l.outputNegative![r * l.stride + d])
      }
    }
    #expect(l.outputHierarchical![5] == w.outputHierarchical![5])
  }

  @Test func resumingContinuesFromTheSavedState() throws {
    let model = try trainedModel(hs: false)
    let path = makeTemporaryDirectory().appendingPathComponent("model.w2v").path
    try model.save(to: path)
    let loaded = try Word2Vec.load(from: path)
    let before = try TrainingTests.vectors(loaded)
    try loaded.train(corpora: [TestCorpus.topics], epochs: 1)
    #expect(loaded.epochsTrained == 4)
    #expect(try TrainingTests.vectors(loaded) != before)
  }

  @Test func damagedFilesAreMalformedNotCrashes() throws {
    let model = try trainedModel()
    let dir = makeTemporaryDirectory()
    let path = dir.appendingPathComponent("model.w2v").path
    try model.save(to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    for cut in [0, 7, 40, bytes.count / 2, bytes.count - 3] {
      let truncated = dir.appendingPathComponent("cut-\(cut).w2v").path
      _ = FileManager.default.createFile(atPath: truncated, contents: bytes.prefix(cut))
      #expect {
        _ = try Word2Vec.load(from: truncated)
      } throws: { error in
        guard case EmbeddingError.malformed(let p, _, _) = error else { return false }
        return p == truncated
      }
    }
    var newer = bytes
    newer[8] = 99  // version 99
    let future = dir.appendingPathComponent("future.w2v").path
    _ = FileManager.default.createFile(atPath: future, contents: newer)
    #expect { _ = try Word2Vec.load(from: future) } throws: { "\($0)".contains("newer") }
  }
}
