import EmbeddingCore
import Foundation
import Testing

@testable import Word2Vec

@Suite struct TrainingTests {
  static func config(
    _ architecture: Word2VecConfiguration.Architecture, negative: Int = 5, hs: Bool = false,
    threads: Int = 1, seed: UInt64 = 3
  ) -> Word2VecConfiguration {
    var c = Word2VecConfiguration(architecture: architecture)
    c.dimension = 12
    c.window = 3
    c.negative = negative
    c.hierarchicalSoftmax = hs
    c.minCount = 1
    c.sample = 0
    c.epochs = 3
    c.threads = threads
    c.seed = seed
    return c
  }

  static func vectors(_ model: Word2Vec) throws -> [Float] {
    let wv = try model.wordVectors()
    return (0..<wv.count).flatMap { wv.matrix.row($0) }
  }

  static func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot: Float = 0
    var na: Float = 0
    var nb: Float = 0
    for i in a.indices {
      dot += a[i] * b[i]
      na += a[i] * a[i]
      nb += b[i] * b[i]
    }
    return dot / (na.squareRoot() * nb.squareRoot())
  }

  @Test(arguments: [
    (Word2VecConfiguration.Architecture.skipGram, 5, false),
    (.cbow, 5, false),
    (.skipGram, 0, true),
    (.cbow, 3, true),
  ])
  func oneThreadWithASeedIsBitForBitReproducible(
    architecture: Word2VecConfiguration.Architecture, negative: Int, hs: Bool
  ) throws {
    let c = Self.config(architecture, negative: negative, hs: hs)
    let a = try Self.vectors(Word2Vec.train(corpora: [TestCorpus.topics], configuration: c))
    let b = try Self.vectors(Word2Vec.train(corpora: [TestCorpus.topics], configuration: c))
    #expect(a == b)
    let other = try Self.vectors(
      Word2Vec.train(
        corpora: [TestCorpus.topics],
        configuration: Self.config(architecture, negative: negative, hs: hs, seed: 4)))
    #expect(a != other)
  }

  @Test(arguments: [Word2VecConfiguration.Architecture.skipGram, .cbow])
  func wordsOfOneTopicEndUpCloser(architecture: Word2VecConfiguration.Architecture) throws {
    var c = Self.config(architecture)
    c.epochs = 10
    let model = try Word2Vec.train(corpora: [TestCorpus.topics], configuration: c)
    let wv = try model.wordVectors()
    let cat = try wv.vector(for: "cat")
    let dog = try wv.vector(for: "dog")
    let red = try wv.vector(for: "red")
    let blue = try wv.vector(for: "blue")
    #expect(Self.cosine(cat, dog) > Self.cosine(cat, red) + 0.2)
    #expect(Self.cosine(red, blue) > Self.cosine(dog, blue) + 0.2)
  }

  @Test func twoThreadsTrainAllWordsWithFiniteVectors() throws {
    let c = Self.config(.skipGram, threads: 2)
    let model = try Word2Vec.train(
      corpora: [TestCorpus.topics, TestCorpus.topicsGzip], configuration: c)
    #expect(model.wordsTrained == 3 * 2 * 120 * 12)
    #expect(try Self.vectors(model).allSatisfy { $0.isFinite })
  }

  @Test func progressReportsCarryRateAlphaAndLoss() throws {
    final class Box: @unchecked Sendable {
      let lock = NSLock()
      var reports: [ProgressReport] = []
    }
    let box = Box()
    let c = Self.config(.skipGram)
    _ = try Word2Vec.train(corpora: [TestCorpus.topics], configuration: c) { report in
      box.lock.lock()
      box.reports.append(report)
      box.lock.unlock()
    }
    let last = try #require(box.reports.last(where: { $0.stage == "skip-gram" }))
    #expect(last.completed == 3 * 120 * 12)
    #expect(last.total == 3 * 120 * 12)
    #expect(last.metrics["alpha"] != nil)
    #expect((last.metrics["loss"] ?? .nan).isFinite)
  }

  @Test func cancellationStopsTraining() throws {
    let token = CancellationToken()
    token.cancel()
    var c = Self.config(.skipGram)
    c.epochs = 50
    let (vocabulary, _) = try Word2VecVocabulary.count(corpora: [TestCorpus.topics], minCount: 1)
    let model = try Word2Vec(vocabulary: vocabulary, configuration: c)
    #expect(throws: EmbeddingError.cancelled) {
      try model.train(corpora: [TestCorpus.topics], cancellation: token)
    }
    #expect(model.epochsTrained == 0)
  }

  @Test func longLinesAreCutIntoSentencesWithoutLosingWords() throws {
    let words = (0..<25).map { "w\($0 % 5)" }.joined(separator: " ")
    let path = TestCorpus.file(words + "\nw0 w1\n")
    let (vocabulary, _) = try Word2VecVocabulary.count(corpora: [path], minCount: 1)
    let queue = ChunkQueue(capacity: 8)
    let reader = CorpusReader(
      corpora: [path], vocabulary: vocabulary, maxSentenceLength: 10, chunkWords: 1000)
    reader.run(epochs: 1, queue: queue)
    let chunk = try #require(queue.pop())
    #expect(chunk.ids.count == 27)
    #expect(chunk.sentenceEnds == [10, 20, 25, 27])
    #expect(queue.pop() == nil)
  }

  @Test func memoryEstimateCoversTheMatrices() {
    var c = Word2VecConfiguration(architecture: .skipGram)
    c.dimension = 100
    c.hierarchicalSoftmax = true
    let estimate = Word2Vec.estimateMemory(vocabularySize: 10_000, configuration: c)
    #expect(estimate.inputVectors == 10_000 * 104 * 4)
    #expect(estimate.outputWeights == 10_000 * 104 * 4)
    #expect(estimate.hierarchicalWeights == 9_999 * 104 * 4)
    #expect(estimate.total > estimate.inputVectors * 3)
  }

  @Test func invalidSettingsAreRejectedWithTheirName() {
    var c = Word2VecConfiguration()
    c.negative = 0
    #expect { try c.validate() } throws: { "\($0)".contains("nothing to train") }
    c = Word2VecConfiguration()
    c.dimension = 0
    #expect { try c.validate() } throws: { "\($0)".contains("dimension") }
  }
}
