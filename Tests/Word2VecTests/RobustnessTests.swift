import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Word2Vec

/// Hostile settings and files: training that diverges, damaged checkpoints, corpora that change
/// during a run. Each must end in an `EmbeddingError`, never a trap or a silent wrong result.
@Suite struct RobustnessTests {
  @Test(arguments: [
    (Word2VecConfiguration.Architecture.skipGram, false, Float(0.5)),
    (.skipGram, false, 10), (.skipGram, false, 1e30), (.cbow, false, 1), (.cbow, false, 1e30),
    (.skipGram, true, 1e30), (.cbow, true, 10),
  ])
  func divergingTrainingThrowsInsteadOfTrapping(
    architecture: Word2VecConfiguration.Architecture, hs: Bool, alpha: Float
  ) throws {
    var c = TrainingTests.config(architecture, negative: hs ? 0 : 5, hs: hs)
    c.alpha = alpha
    c.minAlpha = 0
    c.epochs = 20
    // Either the run diverges (an error naming the learning rate) or it ends with finite
    // vectors; it never traps and never returns NaN vectors.
    do {
      let model = try Word2Vec.train(corpora: [TestCorpus.topics], configuration: c)
      let vectors = try TrainingTests.vectors(model)
      #expect(vectors.allSatisfy { $0.isFinite })
    } catch let error as EmbeddingError {
      guard case .invalidArgument(let message) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(message.contains("diverged") && message.contains("--alpha"))
    }
  }

  @Test func hugeEpochCountsAreRejected() throws {
    // Found by `embed-bench fuzz --target cli` (train --epochs 9223372036854775807).
    var c = TrainingTests.config(.skipGram)
    c.epochs = Int.max
    #expect(throws: EmbeddingError.self) { try c.validate() }
    let model = try Word2Vec.train(
      corpora: [TestCorpus.topics], configuration: TrainingTests.config(.skipGram))
    #expect(throws: EmbeddingError.self) {
      try model.train(corpora: [TestCorpus.topics], epochs: Int.max)
    }
  }

  @Test func hugeLearningRateIsReportedAsDivergence() throws {
    var c = TrainingTests.config(.skipGram)
    c.alpha = 1e30
    c.epochs = 5
    #expect {
      _ = try Word2Vec.train(corpora: [TestCorpus.topics], configuration: c)
    } throws: { "\($0)".contains("diverged") }
  }

  func savedModel() throws -> (path: String, bytes: Data) {
    let model = try Word2Vec.train(
      corpora: [TestCorpus.topics], configuration: TrainingTests.config(.skipGram, hs: true))
    let path = makeTemporaryDirectory().appendingPathComponent("model.w2v").path
    try model.save(to: path)
    return (path, try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Loads `bytes` as a checkpoint; true if it loaded, false on a `.malformed` error.
  func load(_ bytes: Data, at path: String) throws -> Bool {
    _ = FileManager.default.createFile(atPath: path, contents: bytes)
    do {
      _ = try Word2Vec.load(from: path)
      return true
    } catch EmbeddingError.malformed {
      return false
    } catch EmbeddingError.outOfMemory {
      return false
    }
  }

  @Test func nanWeightsAndHugeCountsAreMalformed() throws {
    let (path, bytes) = try savedModel()
    let trailer = bytes.count - 8
    // A weight (the float just before the trailer) set to NaN.
    var nan = bytes
    nan.replaceSubrange((trailer - 4)..<trailer, with: [0x00, 0x00, 0xC0, 0x7F])
    #expect(try !load(nan, at: path + ".nan"))
    // Header: magic 8, version 4, 8 × UInt32, sample 8, alpha 4, minAlpha 4, seed 8, then
    // epochs (byte 68), words (76) and the vocabulary size (84), UInt64 each.
    // The vocabulary size set to 2^64 - 1: "too large", not a trap.
    var huge = bytes
    huge.replaceSubrange(84..<92, with: [UInt8](repeating: 0xFF, count: 8))
    #expect { try Word2Vec.load(from: self.write(huge, path)) } throws: {
      "\($0)".contains("too large")
    }
    // The epochs count with its top bit set.
    var epochs = bytes
    epochs[75] = 0x80
    #expect(try !load(epochs, at: path + ".epochs"))
  }

  func write(_ bytes: Data, _ path: String) -> String {
    let p = path + ".mutant"
    _ = FileManager.default.createFile(atPath: p, contents: bytes)
    return p
  }

  @Test func randomSingleByteCorruptionsNeverTrap() throws {
    let (path, bytes) = try savedModel()
    var rng = SeededGenerator(seed: 13)
    var loaded = 0
    var rejected = 0
    for _ in 0..<400 {
      var mutant = bytes
      // Half the mutations hit the header and vocabulary, where counts and sizes live.
      let header = min(bytes.count, 600)
      let limit = rng.next() & 1 == 0 ? header : bytes.count
      let at = Int(rng.next() % UInt64(limit))
      mutant[at] = UInt8(truncatingIfNeeded: rng.next())
      if try load(mutant, at: path + ".mutant") { loaded += 1 } else { rejected += 1 }
    }
    #expect(loaded + rejected == 400)
    #expect(rejected > 0)
  }

  @Test func aCorpusChangedDuringTrainingIsAnError() throws {
    // A corpus large enough that the reader is still in epoch 1 when the file is truncated.
    var text = ""
    for i in 0..<20_000 { text += "alpha beta gamma delta w\(i % 50) epsilon\n" }
    let path = TestCorpus.file(text)
    var c = TrainingTests.config(.skipGram)
    c.epochs = 30
    let (vocabulary, _) = try Word2VecVocabulary.count(corpora: [path], minCount: 1)
    let model = try Word2Vec(vocabulary: vocabulary, configuration: c)
    let truncated = DispatchSemaphore(value: 0)
    let handler: ProgressHandler = { report in
      if report.completed > 0, truncate(path, 1000) == 0 { truncated.signal() }
    }
    #expect {
      try model.train(corpora: [path], progress: handler)
    } throws: { error in
      guard case EmbeddingError.io(let p, let reason) = error else { return false }
      return p == path && reason.contains("during training")
    }
  }

  @Test func fileIdentityNoticesSizeAndReplacement() throws {
    let path = TestCorpus.file("one two three\n")
    let identity = try FileIdentity(path: path)
    try identity.checkUnchanged()
    let other = TestCorpus.file("another file\n")
    _ = rename(other, path)
    #expect(throws: EmbeddingError.self) { try identity.checkUnchanged() }
  }

  @Test func aModelLargerThanTheMemoryLimitIsRefusedBeforeAllocating() throws {
    let vocabulary = try Word2VecVocabulary(
      words: (0..<100_000).map { "w\($0)" }, counts: [Int](repeating: 1, count: 100_000))
    var c = TrainingTests.config(.skipGram)
    c.dimension = 100_000
    let estimate = Word2Vec.estimateMemory(vocabularySize: 100_000, configuration: c)
    let limit = MemoryLimit.current()
    #expect(limit.bytes > 0)
    if estimate.total > limit.bytes {
      #expect {
        _ = try Word2Vec(vocabulary: vocabulary, configuration: c)
      } throws: { error in
        guard case EmbeddingError.outOfMemory(let bytes, let reason) = error else { return false }
        return bytes == estimate.total && reason.contains(limit.source)
      }
    }
    #expect(throws: EmbeddingError.self) {
      try MemoryLimit(bytes: 1 << 20, source: "test").check(
        bytes: 1 << 21, what: "x", remedy: "y")
    }
  }
}
