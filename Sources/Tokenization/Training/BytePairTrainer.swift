import EmbeddingCore
import HeapModule

/// Learns a byte-level BPE vocabulary from text, saved as a `.tiktoken` file that
/// `BytePairEncoder.load(tiktokenFile:preTokenizer:)` and Python's tiktoken both read.
///
/// Text is pre-tokenized with the GPT-2 or cl100k pattern into pieces; the 256 single bytes
/// are ranks 0–255; then, until the vocabulary is full, the most frequent adjacent pair of
/// tokens inside pieces is merged into a new token (ties: the pair of lower IDs first).
/// Pair counts are updated incrementally (only pieces that hold the merged pair are touched)
/// and the best pair comes from a max-heap (swift-collections' `Heap`) with lazy invalidation.
///
/// ```swift
/// let trainer = BytePairTrainer(vocabularySize: 8192, preTokenizer: .gpt2)
/// let ranks = try trainer.train(path: "corpus.txt")
/// try TiktokenFile.write(ranks, to: "mine.tiktoken")
/// let encoder = try BytePairEncoder(name: "mine", preTokenizer: .gpt2, ranks: ranks,
///                                   specialTokens: ["<|endoftext|>": ranks.count])
/// ```
public struct BytePairTrainer: Sendable {
  /// The number of mergeable tokens to reach (at least 256: the single bytes).
  public var vocabularySize: Int
  /// The pre-tokenization pattern (`.gpt2` or `.cl100k`; `.o200k` works too).
  public var preTokenizer: PreTokenizer
  /// Stop early when the most frequent pair occurs fewer times than this.
  public var minimumPairCount: Int

  /// A trainer for `vocabularySize` tokens with `preTokenizer`'s pattern.
  public init(vocabularySize: Int, preTokenizer: PreTokenizer = .gpt2, minimumPairCount: Int = 2) {
    self.vocabularySize = vocabularySize
    self.preTokenizer = preTokenizer
    self.minimumPairCount = minimumPairCount
  }

  /// Trains on a file (plain, .gz or .xz; `"-"` is standard input), streamed in chunks.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `vocabularySize` < 256; read errors.
  public func train(path: String, progress: ProgressHandler? = nil) throws -> [(
    bytes: [UInt8], rank: Int
  )] {
    let counter = PieceCounter(preTokenizer: preTokenizer)
    let stream = try ByteStream(path: path)
    var pending: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    let started = MonotonicClock.now()
    var done = 0
    while true {
      let n = try stream.read(into: &buffer)
      if n > 0 { pending.append(contentsOf: buffer[0..<n]) }
      let cut =
        n == 0
        ? pending.count
        : (BytePairEncoder.safeCut(pending)
          ?? (pending.count >= 1 << 23
            ? BytePairEncoder.characterBoundary(pending, before: pending.count) : 0))
      if cut > 0 {
        pending.withUnsafeBufferPointer { counter.add(UnsafeBufferPointer(rebasing: $0[0..<cut])) }
        pending.removeFirst(cut)
        done += cut
        progress?(
          ProgressReport(
            stage: "counting pieces", completed: done, unit: "bytes",
            elapsed: MonotonicClock.now() - started))
      }
      if n == 0 { break }
    }
    return try merge(counter, progress: progress)
  }

  /// Trains on text in memory.
  public func train(text: String, progress: ProgressHandler? = nil) throws -> [(
    bytes: [UInt8], rank: Int
  )] {
    let counter = PieceCounter(preTokenizer: preTokenizer)
    var text = text
    text.withUTF8 { counter.add($0) }
    return try merge(counter, progress: progress)
  }

  private func merge(_ counter: PieceCounter, progress: ProgressHandler?) throws -> [(
    bytes: [UInt8], rank: Int
  )] {
    guard vocabularySize >= 256 else {
      throw EmbeddingError.invalidArgument(
        "vocabulary size \(vocabularySize) is below 256 (the single bytes)")
    }
    var state = MergeState(pieces: counter.pieces, counts: counter.counts)
    var tokens: [[UInt8]] = (0..<256).map { [UInt8($0)] }
    var known: [[UInt8]: Int32] = [:]
    for (id, token) in tokens.enumerated() { known[token] = Int32(id) }
    let started = MonotonicClock.now()
    let target = vocabularySize - 256
    var mergesDone = 0
    while tokens.count < vocabularySize {
      guard let (pair, count) = state.bestPair(), count >= minimumPairCount else { break }
      let left = Int(pair >> 32)
      let right = Int(pair & 0xFFFF_FFFF)
      let bytes = tokens[left] + tokens[right]
      // Two different pairs can spell the same bytes ("ab"+"c", "a"+"bc"): reuse the token.
      let id: Int32
      if let existing = known[bytes] {
        id = existing
      } else {
        id = Int32(tokens.count)
        tokens.append(bytes)
        known[bytes] = id
      }
      state.apply(pair: pair, newToken: id)
      mergesDone += 1
      if mergesDone % 64 == 0 {
        progress?(
          ProgressReport(
            stage: "merging", completed: tokens.count - 256, total: target, unit: "tokens",
            elapsed: MonotonicClock.now() - started))
      }
    }
    progress?(
      ProgressReport(
        stage: "merging", completed: tokens.count - 256, total: target, unit: "tokens",
        elapsed: MonotonicClock.now() - started))
    return tokens.enumerated().map { ($0.element, $0.offset) }
  }
}

/// Unique pre-tokenized pieces and how often each occurs.
final class PieceCounter {
  let preTokenizer: PreTokenizer
  private var index: [[UInt8]: Int] = [:]
  private(set) var pieces: [[UInt8]] = []
  private(set) var counts: [Int] = []

  init(preTokenizer: PreTokenizer) {
    self.preTokenizer = preTokenizer
  }

  func add(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let base = bytes.baseAddress else { return }
    let table = UnsafePointer(ScalarClassTable.shared.classes)
    var start = 0
    while start < bytes.count {
      let end = preTokenizer.pieceEnd(base, start, bytes.count, table)
      let piece = Array(UnsafeBufferPointer(start: base + start, count: end - start))
      if let i = index[piece] {
        counts[i] += 1
      } else {
        index[piece] = pieces.count
        pieces.append(piece)
        counts.append(1)
      }
      start = end
    }
  }
}

/// A candidate merge in the trainer's queue: the pair and its count when it was queued.
///
/// Ordered so that the heap's maximum is the pair to merge next: the higher count, then (on a
/// tie) the lower pair, i.e. the lower left token ID, then the lower right one.
struct PairEntry: Comparable {
  var count: Int
  var pair: UInt64

  static func < (a: PairEntry, b: PairEntry) -> Bool {
    a.count != b.count ? a.count < b.count : a.pair > b.pair
  }
}

/// The pieces as token sequences, pair counts, where each pair occurs, and a max-heap.
struct MergeState {
  var symbols: [[Int32]]
  let counts: [Int]
  var pairCounts: [UInt64: Int] = [:]
  var pairPieces: [UInt64: [Int32]] = [:]
  /// Queued pairs; an entry is stale when its count no longer matches `pairCounts`.
  var heap: Heap<PairEntry>

  init(pieces: [[UInt8]], counts: [Int]) {
    symbols = pieces.map { $0.map { Int32($0) } }
    self.counts = counts
    for (p, piece) in symbols.enumerated() where piece.count >= 2 {
      for i in 0..<(piece.count - 1) {
        let pair = Self.key(piece[i], piece[i + 1])
        pairCounts[pair, default: 0] += counts[p]
        pairPieces[pair, default: []].append(Int32(p))
      }
    }
    heap = Heap(pairCounts.lazy.map { PairEntry(count: $0.value, pair: $0.key) })
  }

  @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(a)) << 32 | UInt64(UInt32(b))
  }

  /// The most frequent pair and its count (stale heap entries are refreshed or dropped).
  mutating func bestPair() -> (UInt64, Int)? {
    while let top = heap.popMax() {
      let current = pairCounts[top.pair] ?? 0
      if current == top.count && current > 0 { return (top.pair, current) }
      if current > 0 && current < top.count {
        heap.insert(PairEntry(count: current, pair: top.pair))
      }
    }
    return nil
  }

  /// Replaces every occurrence of `pair` by `newToken`, updating the counts of neighbours.
  mutating func apply(pair: UInt64, newToken: Int32) {
    let left = Int32(truncatingIfNeeded: pair >> 32)
    let right = Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF)
    guard let where_ = pairPieces.removeValue(forKey: pair) else { return }
    pairCounts[pair] = nil
    var changed: [UInt64: Int] = [:]
    var lastPiece: Int32 = -1
    for p in where_ where p != lastPiece {
      lastPiece = p
      let weight = counts[Int(p)]
      var old = symbols[Int(p)]
      guard old.count >= 2 else { continue }
      var merged: [Int32] = []
      merged.reserveCapacity(old.count)
      var i = 0
      var found = false
      while i < old.count {
        if i + 1 < old.count && old[i] == left && old[i + 1] == right {
          merged.append(newToken)
          i += 2
          found = true
        } else {
          merged.append(old[i])
          i += 1
        }
      }
      guard found else { continue }
      // Remove the old pairs, add the new ones (pieces are short: recount the piece).
      for j in 0..<(old.count - 1) {
        let k = Self.key(old[j], old[j + 1])
        if k != pair { changed[k, default: 0] -= weight }
      }
      for j in 0..<(merged.count - 1) {
        let k = Self.key(merged[j], merged[j + 1])
        changed[k, default: 0] += weight
        if merged[j] == newToken || merged[j + 1] == newToken {
          pairPieces[k, default: []].append(p)
        }
      }
      old = merged
      symbols[Int(p)] = old
    }
    for (k, delta) in changed where delta != 0 {
      let updated = (pairCounts[k] ?? 0) + delta
      if updated > 0 {
        pairCounts[k] = updated
        if delta > 0 { heap.insert(PairEntry(count: updated, pair: k)) }
      } else {
        pairCounts[k] = nil
        pairPieces[k] = nil
      }
    }
  }
}
