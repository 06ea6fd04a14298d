import Atomics
import EmbeddingCore
import Foundation
import WordEmbeddings

/// A Word2Vec model: vocabulary, word vectors and output weights, trainable over streamed corpora.
///
/// Stages, as in gensim: count the vocabulary, allocate (after an estimate of the memory),
/// train for some epochs, read the vectors; save the full model to resume later.
///
/// ```swift
/// var config = Word2VecConfiguration(architecture: .skipGram)
/// config.dimension = 100
/// let model = try Word2Vec.train(corpora: ["corpus.txt.xz"], configuration: config)
/// let vectors = try model.wordVectors()   // query-only result
/// try model.save(to: "model.w2v")          // vectors + output weights + counts, resumable
/// ```
///
/// Threads: `configuration.threads` workers update the shared weights lock-free (Hogwild, see
/// `ModelWeights`); with `threads == 1` a run is bit-for-bit reproducible for a given `seed`.
/// One `train` call at a time per model: calls on the same model must not overlap.
public final class Word2Vec: @unchecked Sendable {
  /// The settings (dimension, architecture, …) the model was created with.
  public let configuration: Word2VecConfiguration
  /// The trained words, most frequent first.
  public let vocabulary: Word2VecVocabulary
  /// Epochs trained so far (over all `train` calls).
  public private(set) var epochsTrained = 0
  /// Corpus words trained so far (over all `train` calls).
  public private(set) var wordsTrained = 0
  let weights: ModelWeights

  /// Allocates a model for `vocabulary` with randomly initialised vectors.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for a bad configuration, `.outOfMemory` if the
  ///   estimate exceeds what the process can allocate (`MemoryLimit.current()`: physical and
  ///   available memory, `ulimit -v`, the cgroup limit).
  public init(vocabulary: Word2VecVocabulary, configuration: Word2VecConfiguration) throws {
    try configuration.validate()
    let estimate = Self.estimateMemory(
      vocabularySize: vocabulary.count, configuration: configuration)
    let limit = MemoryLimit.current()
    if estimate.total > limit.bytes {
      throw EmbeddingError.outOfMemory(
        requestedBytes: estimate.total,
        reason: "the model needs \(estimate) but only \(limit) can be allocated; "
          + "lower --dim or raise --min-count")
    }
    self.configuration = configuration
    self.vocabulary = vocabulary
    weights = ModelWeights(
      rows: vocabulary.count, dimension: configuration.dimension,
      negative: configuration.negative > 0, hierarchical: configuration.hierarchicalSoftmax)
    weights.randomizeInput(seed: configuration.seed)
  }

  /// Restores a model from saved state (used by `load(from:)`).
  init(
    vocabulary: Word2VecVocabulary, configuration: Word2VecConfiguration, weights: ModelWeights,
    epochsTrained: Int, wordsTrained: Int
  ) {
    self.vocabulary = vocabulary
    self.configuration = configuration
    self.weights = weights
    self.epochsTrained = epochsTrained
    self.wordsTrained = wordsTrained
  }

  /// Counts the vocabulary of `corpora`, allocates a model and trains it, in one call.
  ///
  /// - Throws: see `Word2VecVocabulary.count` and `train`.
  public static func train(
    corpora: [String], configuration: Word2VecConfiguration, progress: ProgressHandler? = nil,
    cancellation: CancellationToken? = nil
  ) throws -> Word2Vec {
    try configuration.validate()
    let (vocabulary, _) = try Word2VecVocabulary.count(
      corpora: corpora, minCount: configuration.minCount,
      maxVocabulary: configuration.maxVocabulary,
      progress: progress, cancellation: cancellation)
    let model = try Word2Vec(vocabulary: vocabulary, configuration: configuration)
    _ = try model.train(corpora: corpora, progress: progress, cancellation: cancellation)
    return model
  }

  /// What one `train` call did.
  public struct TrainingSummary: Sendable {
    /// Corpus words trained (in the vocabulary, before sub-sampling), over all epochs.
    public var words: Int
    /// Wall-clock seconds of training (reader and workers, after allocation).
    public var seconds: Double
    /// `words / seconds`.
    public var wordsPerSecond: Double { seconds > 0 ? Double(words) / seconds : 0 }
    /// Mean loss per scored (word, output) pair near the end of training.
    public var finalLoss: Double
    /// Words the schedule expected (`wordsPerEpoch × epochs`); differs from `words` when the
    /// corpus is not the one counted (for example a file changed between counting and training).
    public var expectedWords: Int
  }

  /// Trains for `epochs` passes over `corpora` (default `configuration.epochs`), the learning
  /// rate decaying linearly from `alpha` to `minAlpha` over this call. Can be called again to
  /// continue training (for example after `load(from:)`); words not in the vocabulary are
  /// skipped.
  ///
  /// - Parameter wordsPerEpoch: in-vocabulary words in one pass over `corpora`, which sets the
  ///   learning-rate schedule and the progress total; default: the vocabulary's total count
  ///   (exact when `corpora` are the files the vocabulary was counted on).
  /// - Throws: `EmbeddingError.io` if a file cannot be read, `.cancelled` if `cancellation` fired
  ///   (the weights then hold the partly trained state).
  /// - Complexity: O(epochs × words × window × (negative + log V) × dimension) time;
  ///   memory as `estimateMemory` says, whatever the corpus size.
  @discardableResult
  public func train(
    corpora: [String], epochs: Int? = nil, wordsPerEpoch: Int? = nil,
    progress: ProgressHandler? = nil, cancellation: CancellationToken? = nil
  ) throws -> TrainingSummary {
    let epochs = epochs ?? configuration.epochs
    guard epochs >= 1 && epochs <= 1_000_000 else {
      throw EmbeddingError.invalidArgument("epochs must be in 1...1000000 (got \(epochs))")
    }
    guard !corpora.isEmpty else { throw EmbeddingError.invalidArgument("no corpus file given") }
    if corpora.contains("-") {
      throw EmbeddingError.invalidArgument(
        "standard input ('-') cannot be a Word2Vec corpus: training reads the corpus once to count "
          + "words and again for every epoch; save it to a file (plain, .gz or .xz) first")
    }
    for path in corpora {
      guard FileManager.default.isReadableFile(atPath: path) else {
        throw EmbeddingError.io(path: path, reason: "no such file or it is not readable")
      }
    }
    let config = configuration
    let tables = TrainingTables(
      counts: vocabulary.counts, sample: config.sample, hierarchical: config.hierarchicalSoftmax)
    let perEpoch = wordsPerEpoch ?? vocabulary.totalWords
    let tracker = TrainingProgress(
      totalWords: perEpoch * epochs, startAlpha: config.alpha, minAlpha: config.minAlpha,
      stage: config.architecture == .skipGram ? "skip-gram" : "CBOW", handler: progress,
      cancellation: cancellation)
    let queue = ChunkQueue(capacity: 2 * config.threads + 2)
    let reader = CorpusReader(
      corpora: corpora, vocabulary: vocabulary, maxSentenceLength: config.maxSentenceLength,
      chunkWords: Self.chunkWords)
    // Long-lived threads, not `parallelFor`: the reader blocks on the queue (back-pressure)
    // while the workers run for the whole call, so they must not occupy Dispatch's pool of
    // core-count threads (a blocked reader there can starve the workers that would unblock
    // it), and each needs a 4 MiB stack. `config.threads` sets their number explicitly.
    let group = DispatchGroup()
    group.enter()
    let readerThread = Thread {
      reader.run(epochs: epochs, queue: queue)
      group.leave()
    }
    readerThread.stackSize = 1 << 22
    readerThread.start()

    // Each call draws fresh random streams (so a resumed run does not replay the first one).
    let runSeed = config.seed &+ UInt64(epochsTrained) &* 0x9E37_79B9_7F4A_7C15
    let weights = self.weights
    let cancelledFlag = ManagedAtomic<Bool>(false)
    let divergedFlag = ManagedAtomic<Bool>(false)
    for t in 1..<config.threads {
      group.enter()
      let thread = Thread {
        Self.work(
          queue: queue, weights: weights, tables: tables, configuration: config,
          seed: runSeed, index: t, tracker: tracker,
          cancelled: cancelledFlag, diverged: divergedFlag)
        group.leave()
      }
      thread.stackSize = 1 << 22
      thread.start()
    }
    Self.work(
      queue: queue, weights: weights, tables: tables, configuration: config,
      seed: runSeed, index: 0, tracker: tracker,
      cancelled: cancelledFlag, diverged: divergedFlag)
    group.wait()
    let report = tracker.finish()
    if divergedFlag.load(ordering: .acquiring) || !weights.allFinite() {
      throw EmbeddingError.invalidArgument(
        "training diverged at learning rate \(config.alpha) after \(tracker.words) words: the "
          + "weights overflowed to infinity or NaN; lower --alpha (word2vec's defaults are 0.025 "
          + "for skip-gram and 0.05 for CBOW)")
    }
    if let error = queue.error, !cancelledFlag.load(ordering: .acquiring) { throw error }
    if cancelledFlag.load(ordering: .acquiring) { throw EmbeddingError.cancelled }
    epochsTrained += epochs
    wordsTrained += tracker.words
    return TrainingSummary(
      words: tracker.words, seconds: report.elapsed, finalLoss: report.metrics["loss"] ?? .nan,
      expectedWords: perEpoch * epochs)
  }

  /// A worker thread's loop: take chunks, train their sentences, report every ~10,000 words.
  private static func work(
    queue: ChunkQueue, weights: ModelWeights, tables: TrainingTables,
    configuration: Word2VecConfiguration, seed: UInt64, index: Int, tracker: TrainingProgress,
    cancelled: ManagedAtomic<Bool>, diverged: ManagedAtomic<Bool>
  ) {
    var worker = TrainingWorker(
      weights: weights, tables: tables, configuration: configuration, seed: seed, index: index)
    defer { worker.deallocate() }
    var alpha = tracker.alpha(after: tracker.words)
    var pending = 0
    while let chunk = queue.pop() {
      var stop = false
      chunk.ids.withUnsafeBufferPointer { ids in
        var start = 0
        for end in chunk.sentenceEnds {
          let e = Int(end)
          worker.train(sentence: UnsafeBufferPointer(rebasing: ids[start..<e]), alpha: alpha)
          pending += e - start
          start = e
          if pending >= 10_000 {
            let update = tracker.add(words: pending, loss: worker.loss, pairs: worker.lossPairs)
            worker.loss = 0
            worker.lossPairs = 0
            pending = 0
            alpha = update.alpha
            if worker.nonFiniteScores > 0 { diverged.store(true, ordering: .releasing) }
            if update.cancelled || worker.nonFiniteScores > 0 {
              stop = true
              return
            }
          }
        }
      }
      queue.recycle(chunk)
      if stop {
        if !diverged.load(ordering: .acquiring) { cancelled.store(true, ordering: .releasing) }
        queue.stop()
        break
      }
    }
    if worker.nonFiniteScores > 0 { diverged.store(true, ordering: .releasing) }
    _ = tracker.add(words: pending, loss: worker.loss, pairs: worker.lossPairs)
  }

  /// The trained word vectors (a copy; training further does not change them).
  ///
  /// - Complexity: O(V × dimension).
  public func wordVectors() throws -> WordVectors {
    try WordVectors(
      words: vocabulary.words, matrix: weights.inputMatrix(), counts: vocabulary.counts)
  }
}
