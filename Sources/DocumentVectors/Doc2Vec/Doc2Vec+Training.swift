import EmbeddingCore
import Foundation
import Word2Vec

/// What reading a Doc2Vec corpus found.
public struct Doc2VecCorpusStatistics: Sendable, Equatable {
  /// Documents (lines or JSON objects) read.
  public var documents = 0
  /// Words read (all of them, before `minCount`).
  public var words = 0
  /// Documents with no word in the vocabulary (their vectors are never trained).
  public var documentsWithoutKnownWords = 0
  /// Documents whose tag an earlier document already had (they share its vector).
  public var duplicateTags = 0
  /// Documents longer than `maxDocumentWords` (trained as several pieces sharing the tag).
  public var longDocuments = 0
}

/// Documents as vocabulary rows, held in memory: piece i is ids[starts[i]..<starts[i+1]] of the
/// document whose vector is row tags[i].
struct MappedDocuments: Sendable {
  var ids: [Int32] = []
  var starts: [Int] = [0]
  var tags: [Int32] = []
  var pieces: Int { tags.count }
}

extension Doc2Vec {
  /// Reads `corpus` once to count its words and collect its tags, and allocates a model.
  ///
  /// - Throws: `EmbeddingError.io`/`.malformed` for unreadable files or bad JSON lines,
  ///   `.invalidArgument` if the corpus has no document or no word reaches `minCount`.
  /// - Complexity: O(corpus bytes) time; O(distinct words + tags) memory.
  public static func build(corpus: DocumentCorpus, configuration: Doc2VecConfiguration) throws
    -> (model: Doc2Vec, statistics: Doc2VecCorpusStatistics)
  {
    try configuration.validate()
    let splitter = WordSplitter(configuration.normalization)
    var counts: [String: Int] = [:]
    var tags: [String] = []
    var seen = Set<String>()
    var stats = Doc2VecCorpusStatistics()
    try corpus.forEachDocument { tag, bytes in
      stats.documents += 1
      if seen.insert(tag).inserted { tags.append(tag) } else { stats.duplicateTags += 1 }
      splitter.forEachWord(in: bytes) { word, _ in
        counts[word, default: 0] += 1
        stats.words += 1
      }
    }
    guard stats.documents > 0 else {
      throw EmbeddingError.invalidArgument("the corpus has no documents (the files are empty)")
    }
    let kept = counts.filter { $0.value >= configuration.minCount }
    guard !kept.isEmpty else {
      throw EmbeddingError.invalidArgument(
        "no word occurs at least \(configuration.minCount) times (min_count) in \(stats.words) "
          + "words; lower --min-count or use a larger corpus")
    }
    // Ties in first-seen order are not kept by a dictionary: sort them by word for determinism.
    let ordered = kept.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
    let vocabulary = try Word2VecVocabulary(
      words: ordered.map(\.key), counts: ordered.map(\.value))
    let model = try Doc2Vec(vocabulary: vocabulary, tags: tags, configuration: configuration)
    return (model, stats)
  }

  /// Counts, allocates and trains in one call.
  public static func train(
    corpus: DocumentCorpus, configuration: Doc2VecConfiguration,
    progress: ProgressHandler? = nil, cancellation: CancellationToken? = nil
  ) throws -> Doc2Vec {
    let (model, _) = try build(corpus: corpus, configuration: configuration)
    _ = try model.train(corpus: corpus, progress: progress, cancellation: cancellation)
    return model
  }

  /// What one `train` call did.
  public struct TrainingSummary: Sendable {
    /// Documents trained per epoch.
    public var documents: Int
    /// In-vocabulary words trained (before sub-sampling), over all epochs.
    public var words: Int
    /// Epochs run.
    public var epochs: Int
    /// Seconds of training (after the corpus was mapped to rows).
    public var seconds: Double
    /// Seconds to read and map the corpus.
    public var readSeconds: Double
    /// What the corpus held.
    public var statistics: Doc2VecCorpusStatistics
    /// documents × epochs / seconds.
    public var documentsPerSecond: Double {
      seconds > 0 ? Double(documents * epochs) / seconds : 0
    }
    /// words / seconds.
    public var wordsPerSecond: Double { seconds > 0 ? Double(words) / seconds : 0 }
  }

  /// Maps `corpus` to vocabulary rows and trains `epochs` passes (default the configuration's),
  /// the learning rate decaying linearly from `alpha` to `minAlpha` over this call.
  ///
  /// Documents whose tag the model does not have are skipped.
  /// - Throws: `.io`/`.malformed` for the corpus, `.cancelled` if `cancellation` fired.
  /// - Complexity: O(epochs × words × window × (negative + log V) × vectorSize).
  @discardableResult
  public func train(
    corpus: DocumentCorpus, epochs: Int? = nil, progress: ProgressHandler? = nil,
    cancellation: CancellationToken? = nil
  ) throws -> TrainingSummary {
    let epochs = epochs ?? configuration.epochs
    guard epochs >= 1 else { throw EmbeddingError.invalidArgument("epochs must be >= 1") }
    let readStart = MonotonicClock.now()
    let (mapped, stats) = try map(corpus)
    let readSeconds = MonotonicClock.now() - readStart
    // Work items: runs of pieces of about 10,000 words.
    var blocks: [Range<Int>] = []
    var start = 0
    while start < mapped.pieces {
      var end = start + 1
      while end < mapped.pieces && mapped.starts[end + 1] - mapped.starts[start] <= 10_000 {
        end += 1
      }
      blocks.append(start..<end)
      start = end
    }
    let perEpoch = mapped.ids.count
    let config = configuration
    let tracker = TrainingProgress(
      totalWords: perEpoch * epochs, startAlpha: config.alpha, minAlpha: config.minAlpha,
      stage: config.dm ? "PV-DM" : "PV-DBOW", handler: progress, cancellation: cancellation)
    let total = blocks.count * epochs
    let next = AtomicCounter()
    let cancelled = ParallelSlots(count: 1, initial: false)
    let runSeed = config.seed &+ UInt64(epochsTrained + 1) &* 0x9E37_79B9_7F4A_7C15
    let shared = UnsafeSendable((mapped, blocks))
    let (weights, tables, documents) = (self.weights, self.tables, self.documents)
    let (concatenated, nullWord) = (self.concatenated, self.nullWord)
    let wordConfiguration = config.wordConfiguration
    let mode = config.training
    let threads = max(1, min(config.threads, total))
    parallelFor(threads, threads: threads) { w in
      let (mapped, blocks) = shared.value
      var worker = TrainingWorker(
        weights: weights, tables: tables, configuration: wordConfiguration, seed: runSeed,
        index: w)
      worker.skipSaturated = true  // gensim's doc2vec_inner
      let scratch = concatenated.map {
        UnsafeMutablePointer<Float>.allocate(
          capacity: TrainingWorker.concatenationScratchCount($0))
      }
      defer {
        worker.deallocate()
        scratch?.deallocate()
      }
      mapped.ids.withUnsafeBufferPointer { ids in
        while true {
          let k = next.add(1) - 1
          if k >= total { break }
          let alpha = tracker.alpha(after: tracker.words)
          var words = 0
          for p in blocks[k % blocks.count] {
            let piece = UnsafeBufferPointer(rebasing: ids[mapped.starts[p]..<mapped.starts[p + 1]])
            let vector = documents.row(Int(mapped.tags[p]))
            if let concatenated, let scratch {
              _ = worker.trainConcatenated(
                document: piece, vector: vector, output: concatenated, nullWord: nullWord,
                scratch: scratch, alpha: alpha)
            } else {
              _ = worker.train(document: piece, vector: vector, mode: mode, alpha: alpha)
            }
            words += piece.count
          }
          let update = tracker.add(words: words, loss: worker.loss, pairs: worker.lossPairs)
          worker.loss = 0
          worker.lossPairs = 0
          if update.cancelled {
            cancelled[0] = true
            break
          }
        }
      }
    }
    let report = tracker.finish()
    if cancelled[0] { throw EmbeddingError.cancelled }
    epochsTrained += epochs
    return TrainingSummary(
      documents: stats.documents, words: tracker.words, epochs: epochs, seconds: report.elapsed,
      readSeconds: readSeconds, statistics: stats)
  }

  /// Reads `corpus` and maps its words to rows (unknown words dropped), cutting documents into
  /// pieces of at most `maxDocumentWords` words.
  func map(_ corpus: DocumentCorpus) throws -> (MappedDocuments, Doc2VecCorpusStatistics) {
    let splitter = WordSplitter(configuration.normalization)
    let limit = configuration.maxDocumentWords
    var mapped = MappedDocuments()
    var stats = Doc2VecCorpusStatistics()
    var seen = Set<Int>()
    try corpus.forEachDocument { tag, bytes in
      stats.documents += 1
      guard let row = tagIndex[tag] else { return }
      if !seen.insert(row).inserted { stats.duplicateTags += 1 }
      let first = mapped.ids.count
      var pieceStart = first
      splitter.forEachWord(in: bytes) { word, _ in
        stats.words += 1
        guard let id = vocabulary.index(of: word) else { return }
        mapped.ids.append(Int32(id))
        if mapped.ids.count - pieceStart == limit {
          mapped.starts.append(mapped.ids.count)
          mapped.tags.append(Int32(row))
          pieceStart = mapped.ids.count
        }
      }
      if mapped.ids.count > pieceStart {
        mapped.starts.append(mapped.ids.count)
        mapped.tags.append(Int32(row))
      }
      if mapped.ids.count == first { stats.documentsWithoutKnownWords += 1 }
      if mapped.ids.count - first > limit { stats.longDocuments += 1 }
    }
    return (mapped, stats)
  }
}
