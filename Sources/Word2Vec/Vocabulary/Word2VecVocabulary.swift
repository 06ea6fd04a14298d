import EmbeddingCore
import Foundation

/// The words a Word2Vec model trains, most frequent first, with their corpus counts.
///
/// Build it with `Word2VecVocabulary.count(corpora:minCount:maxVocabulary:)`, which streams the corpus
/// once; the trainer maps corpus words to rows through it without creating `String`s.
///
/// ```swift
/// let vocabulary = try Word2VecVocabulary.count(corpora: ["corpus.txt.gz"], minCount: 5)
/// vocabulary.words.prefix(3)   // ["the", "of", "and"]
/// vocabulary.totalWords        // words of the corpus that are in the vocabulary
/// ```
public final class Word2VecVocabulary: @unchecked Sendable {
  /// The words, by descending count (ties keep first-seen order).
  public let words: [String]
  /// Corpus counts aligned with `words`.
  public let counts: [Int]
  /// Σ counts: the number of corpus words one epoch trains on.
  public let totalWords: Int
  let table: ByteWordTable

  /// Creates a vocabulary from words and counts (sorted here by descending count).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if the arrays differ in length, a count is not
  ///   positive, or a word repeats.
  public init(words: [String], counts: [Int]) throws {
    guard words.count == counts.count else {
      throw EmbeddingError.invalidArgument("\(words.count) words but \(counts.count) counts")
    }
    guard counts.allSatisfy({ $0 > 0 }) else {
      throw EmbeddingError.invalidArgument("vocabulary counts must be positive")
    }
    let order = words.indices.sorted {
      counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1)
    }
    var table = ByteWordTable(capacity: words.count)
    for i in order {
      var w = words[i]
      let before = table.count
      _ = w.withUTF8 { table.increment(UnsafeRawBufferPointer($0), by: counts[i]) }
      if table.count == before {
        throw EmbeddingError.invalidArgument(
          "the word '\(words[i])' appears twice in the vocabulary")
      }
    }
    self.words = order.map { words[$0] }
    self.counts = order.map { counts[$0] }
    var total = 0
    for c in self.counts {
      let (sum, overflow) = total.addingReportingOverflow(c)
      guard !overflow else {
        throw EmbeddingError.invalidArgument("vocabulary counts add up to more than \(Int.max)")
      }
      total = sum
    }
    self.totalWords = total
    self.table = table
  }

  /// Number of words.
  public var count: Int { words.count }

  /// The row of `word`, or nil.
  ///
  /// - Complexity: O(word length) on average.
  public func index(of word: String) -> Int? {
    var w = word
    let i = w.withUTF8 { table.index(of: UnsafeRawBufferPointer($0)) }
    return i < 0 ? nil : i
  }
}

/// What counting a corpus found, beside the vocabulary itself.
public struct Word2VecVocabularyStatistics: Sendable {
  /// Words read (all of them, before `minCount`).
  public var corpusWords = 0
  /// Lines read.
  public var lines = 0
  /// Distinct words seen (after any pruning while counting).
  public var distinctWords = 0
  /// Words skipped because they were longer than the word-length limit.
  public var overlongWords = 0
  /// Distinct words dropped because they are not valid UTF-8.
  public var invalidUTF8Words = 0
  /// Times the table was pruned to stay within `maxVocabulary`.
  public var prunings = 0
}

extension Word2VecVocabulary {
  /// Streams `corpora` once and keeps the words seen at least `minCount` times.
  ///
  /// If more than `maxVocabulary` distinct words are held while counting, the rarest are dropped
  /// (count ≤ 1, then ≤ 2, …, as word2vec.c does), so memory stays bounded on any corpus; counts of
  /// words that survive a pruning can be slightly low. Words that are not valid UTF-8 and words
  /// longer than 1,000 bytes are skipped (and counted in `statistics`).
  ///
  /// - Throws: `EmbeddingError.io` for a missing/unreadable file, `.invalidArgument` if the corpus
  ///   is empty or no word reaches `minCount` (the message gives the highest count seen), and
  ///   `.cancelled`.
  /// - Complexity: O(corpus bytes) time; O(min(distinct words, maxVocabulary)) memory.
  public static func count(
    corpora: [String], minCount: Int = 5, maxVocabulary: Int? = nil,
    progress: ProgressHandler? = nil, cancellation: CancellationToken? = nil
  ) throws -> (vocabulary: Word2VecVocabulary, statistics: Word2VecVocabularyStatistics) {
    guard !corpora.isEmpty else { throw EmbeddingError.invalidArgument("no corpus file given") }
    guard minCount >= 1 else { throw EmbeddingError.invalidArgument("minCount must be >= 1") }
    if let maxVocabulary, maxVocabulary < 1 {
      throw EmbeddingError.invalidArgument("maxVocabulary must be >= 1")
    }
    var sink = CountingSink(
      maxVocabulary: maxVocabulary, progress: progress, cancellation: cancellation)
    var stats = Word2VecVocabularyStatistics()
    for path in corpora {
      var scanner = try CorpusScanner(path: path)
      defer { scanner.close() }
      while try !scanner.scan(into: &sink) {
        if sink.cancelled { throw EmbeddingError.cancelled }
      }
      stats.overlongWords += scanner.overlongWords
    }
    if sink.cancelled { throw EmbeddingError.cancelled }
    stats.corpusWords = sink.words
    stats.lines = sink.lines
    stats.prunings = sink.prunings
    stats.distinctWords = sink.table.count
    let table = sink.table
    let names = corpora.count == 1 ? corpora[0] : "\(corpora.count) corpus files"
    guard sink.words > 0 else {
      throw EmbeddingError.invalidArgument(
        "\(names): the corpus has no words (it is empty or only whitespace)")
    }
    var words: [String] = []
    var counts: [Int] = []
    var highest = 0
    for i in 0..<table.count {
      if table.invalidUTF8[i] {
        stats.invalidUTF8Words += 1
        continue
      }
      highest = max(highest, table.counts[i])
      if table.counts[i] >= minCount {
        words.append(table.string(at: i))
        counts.append(table.counts[i])
      }
    }
    guard !words.isEmpty else {
      throw EmbeddingError.invalidArgument(
        "\(names): no word occurs at least \(minCount) times (min-count); the most frequent valid "
          + "word occurs \(highest) times in \(sink.words) words. Lower --min-count or use a larger corpus"
      )
    }
    return (try Word2VecVocabulary(words: words, counts: counts), stats)
  }
}

/// Counts words into a `ByteWordTable`, pruning it when it outgrows `maxVocabulary`.
private struct CountingSink: CorpusSink {
  var table = ByteWordTable()
  let maxVocabulary: Int?
  let progress: ProgressHandler?
  let cancellation: CancellationToken?
  var words = 0
  var lines = 0
  var prunings = 0
  var pruneThreshold = 1
  var cancelled = false
  let start = MonotonicClock.now()
  var lastReport = MonotonicClock.now()

  init(maxVocabulary: Int?, progress: ProgressHandler?, cancellation: CancellationToken?) {
    self.maxVocabulary = maxVocabulary
    self.progress = progress
    self.cancellation = cancellation
  }

  @inline(__always)
  mutating func word(_ bytes: UnsafeRawBufferPointer) {
    words += 1
    table.increment(bytes)
    if let maxVocabulary, table.count > maxVocabulary {
      // Drop ever-rarer words until the table fits (word2vec.c's ReduceVocab).
      while table.count > maxVocabulary {
        table.prune(keepingCountsAbove: pruneThreshold)
        pruneThreshold += 1
        prunings += 1
      }
    }
  }

  mutating func endOfLine() { lines += 1 }

  mutating func shouldStop() -> Bool {
    if cancellation?.isCancelled == true {
      cancelled = true
      return true
    }
    let now = MonotonicClock.now()
    if let progress, now - lastReport > 0.25 {
      lastReport = now
      progress(
        ProgressReport(
          stage: "counting words", completed: words, unit: "words", elapsed: now - start,
          metrics: ["vocabulary": Double(table.count)]))
    }
    return false
  }
}
