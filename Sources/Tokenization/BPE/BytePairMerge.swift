// Byte-pair merging of one pre-tokenized piece: repeatedly merge the adjacent pair whose
// concatenation has the lowest rank (leftmost first on ties), as tiktoken does.

/// Reusable scratch memory for merging, owned by one thread at a time.
final class MergeScratch {
  private(set) var capacity = 0
  private(set) var starts: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
  private(set) var ranks: UnsafeMutablePointer<UInt32> = .allocate(capacity: 1)
  private(set) var links: UnsafeMutablePointer<Int32> = .allocate(capacity: 1)
  private var heap: UnsafeMutablePointer<UInt64> = .allocate(capacity: 1)
  private var heapCapacity = 1

  /// Memory for a heap of `count` entries (reused between pieces).
  func heapStorage(_ count: Int) -> UnsafeMutablePointer<UInt64> {
    if count > heapCapacity {
      heap.deallocate()
      heapCapacity = count
      heap = .allocate(capacity: count)
    }
    return heap
  }

  /// Makes room for a piece of `length` bytes.
  @inline(__always)
  func reserve(_ length: Int) {
    if length + 2 > capacity { grow(length + 2) }
  }

  private func grow(_ needed: Int) {
    starts.deallocate()
    ranks.deallocate()
    links.deallocate()
    capacity = max(needed, capacity * 2, 256)
    starts = .allocate(capacity: capacity)
    ranks = .allocate(capacity: capacity)
    links = .allocate(capacity: capacity)
  }

  deinit {
    starts.deallocate()
    ranks.deallocate()
    links.deallocate()
    heap.deallocate()
  }
}

enum BytePairMerge {
  /// Pieces longer than this use the heap-based merge (O(n log n)); shorter ones the simple
  /// scan (O(n²) but with tiny constants).
  static let heapThreshold = 128

  /// Appends the tokens of `piece` (which is not itself a token) to `out`.
  ///
  /// `readable` ≥ `length` is how many bytes may be read from `piece`.
  @inline(__always)
  static func encode<Sink: TokenSink>(
    _ piece: UnsafePointer<UInt8>, _ length: Int, readable: Int, table: RankLookup,
    scratch: MergeScratch, into out: inout Sink
  ) {
    if length == 1 {
      out.append(Int(table.byteRanks[Int(piece[0])]))
    } else if length < heapThreshold {
      scan(piece, length, readable: readable, table: table, scratch: scratch, into: &out)
    } else {
      heap(piece, length, readable: readable, table: table, scratch: scratch, into: &out)
    }
  }

  /// The simple merge: parts in an array, linear search for the lowest-ranked pair.
  static func scan<Sink: TokenSink>(
    _ piece: UnsafePointer<UInt8>, _ length: Int, readable: Int, table: RankLookup,
    scratch: MergeScratch, into out: inout Sink
  ) {
    scratch.reserve(length)
    let starts = scratch.starts
    let ranks = scratch.ranks
    @inline(__always) func rankOf(_ from: Int32, _ to: Int32) -> UInt32 {
      table.rank(piece + Int(from), Int(to - from), readable: readable - Int(from))
    }
    // parts 0..<count-1; starts[count-1] == length is a sentinel.
    var count = length + 1
    for i in 0...length { starts[i] = Int32(i) }
    // Start every pair's slot load first, so the misses overlap instead of queueing.
    for i in 0..<(length - 1) { table.prefetch(piece + i, 2, readable: readable - i) }
    for i in 0..<(length - 1) { ranks[i] = table.rank(piece + i, 2, readable: readable - i) }
    ranks[length - 1] = RankTable.absent
    ranks[length] = RankTable.absent
    while true {
      var minRank = RankTable.absent
      var minIndex = 0
      for i in 0..<(count - 1) where ranks[i] < minRank {
        minRank = ranks[i]
        minIndex = i
      }
      if minRank == RankTable.absent { break }
      let i = minIndex
      var j = i + 1
      while j < count - 1 {
        starts[j] = starts[j + 1]
        ranks[j] = ranks[j + 1]
        j += 1
      }
      count -= 1
      ranks[i] = i + 2 < count ? rankOf(starts[i], starts[i + 2]) : RankTable.absent
      if i > 0 { ranks[i - 1] = rankOf(starts[i - 1], starts[i + 1]) }
    }
    for i in 0..<(count - 1) { out.append(Int(rankOf(starts[i], starts[i + 1]))) }
  }

  /// The merge for long pieces: a linked list of parts and a min-heap of candidate pairs
  /// keyed by (rank, position), with stale entries skipped when popped.
  ///
  /// - Complexity: O(n log n) for a piece of n bytes (so `"a" * 100_000` stays fast).
  static func heap<Sink: TokenSink>(
    _ piece: UnsafePointer<UInt8>, _ length: Int, readable: Int, table: RankLookup,
    scratch: MergeScratch, into out: inout Sink
  ) {
    scratch.reserve(length)
    let next = scratch.starts  // next[i]: start of the part after the part starting at i
    let pairRank = scratch.ranks  // rank of part i merged with its successor
    let previous = scratch.links
    // A binary min-heap of (rank << 32 | position) in scratch memory. At most n - 1 initial
    // entries plus two per merge (< n merges): 3n slots always suffice.
    let heap = scratch.heapStorage(3 * length)
    var heapCount = 0
    let n = Int32(length)
    @inline(__always) func rankOf(_ from: Int32, _ to: Int32) -> UInt32 {
      table.rank(piece + Int(from), Int(to - from), readable: readable - Int(from))
    }
    @inline(__always) func siftDown(_ start: Int, _ value: UInt64) {
      var hole = start
      while true {
        var child = 2 * hole + 1
        if child >= heapCount { break }
        if child + 1 < heapCount && heap[child + 1] < heap[child] { child += 1 }
        if value <= heap[child] { break }
        heap[hole] = heap[child]
        hole = child
      }
      heap[hole] = value
    }
    @inline(__always) func push(_ rank: UInt32, _ position: Int32) {
      let value = UInt64(rank) << 32 | UInt64(UInt32(position))
      var hole = heapCount
      heapCount += 1
      while hole > 0 {
        let parent = (hole - 1) >> 1
        if heap[parent] <= value { break }
        heap[hole] = heap[parent]
        hole = parent
      }
      heap[hole] = value
    }
    @inline(__always) func pop() -> UInt64 {
      let top = heap[0]
      heapCount -= 1
      if heapCount > 0 { siftDown(0, heap[heapCount]) }
      return top
    }
    for i in 0..<n {
      next[Int(i)] = i + 1
      previous[Int(i)] = i - 1
    }
    for i in 0..<(n - 1) {
      let rank = rankOf(i, i + 2)
      pairRank[Int(i)] = rank
      if rank != RankTable.absent {
        heap[heapCount] = UInt64(rank) << 32 | UInt64(UInt32(i))
        heapCount += 1
      }
    }
    var parent = heapCount / 2 - 1
    while parent >= 0 {  // Floyd's O(n) heapify
      siftDown(parent, heap[parent])
      parent -= 1
    }
    pairRank[Int(n - 1)] = RankTable.absent
    while heapCount > 0 {
      let top = pop()
      let rank = UInt32(top >> 32)
      let i = Int32(truncatingIfNeeded: top & 0xFFFF_FFFF)
      // Stale: the part was absorbed (its rank reset to absent) or its pair changed.
      guard pairRank[Int(i)] == rank else { continue }
      let absorbed = next[Int(i)]
      let after = next[Int(absorbed)]
      pairRank[Int(absorbed)] = RankTable.absent
      next[Int(i)] = after
      if after < n { previous[Int(after)] = i }
      if after < n {
        let newRank = rankOf(i, next[Int(after)])
        pairRank[Int(i)] = newRank
        if newRank != RankTable.absent { push(newRank, i) }
      } else {
        pairRank[Int(i)] = RankTable.absent
      }
      let before = previous[Int(i)]
      if before >= 0 {
        let newRank = rankOf(before, after)
        pairRank[Int(before)] = newRank
        if newRank != RankTable.absent { push(newRank, before) }
      }
    }
    var i: Int32 = 0
    while i < n {
      out.append(Int(rankOf(i, next[Int(i)])))
      i = next[Int(i)]
    }
  }
}
