/// A binary heap of (score, node) pairs in manually managed buffers, ordered by score: a max-heap
/// when `max` is true. It grows by doubling and keeps its buffers, so a search reusing one heap
/// allocates nothing once warmed up.
///
/// HNSW keeps two: candidates to expand (best first) and the current results (worst on top).
/// Owned by one `HNSWSearcher`; call `deallocate()` when done.
struct ScoreHeap {
  private(set) var scores: UnsafeMutablePointer<Float>
  private(set) var nodes: UnsafeMutablePointer<Int32>
  private(set) var count = 0
  private var capacity: Int
  let max: Bool

  init(max: Bool, capacity: Int = 64) {
    self.max = max
    self.capacity = Swift.max(capacity, 4)
    scores = .allocate(capacity: self.capacity)
    nodes = .allocate(capacity: self.capacity)
  }

  func deallocate() {
    scores.deallocate()
    nodes.deallocate()
  }

  var isEmpty: Bool { count == 0 }
  /// The top score (undefined when empty).
  var topScore: Float { scores[0] }
  /// The top node (undefined when empty).
  var topNode: Int32 { nodes[0] }

  @inline(__always) private func above(_ a: Float, _ b: Float) -> Bool { max ? a > b : a < b }

  private mutating func grow() {
    let c = capacity * 2
    let s = UnsafeMutablePointer<Float>.allocate(capacity: c)
    let n = UnsafeMutablePointer<Int32>.allocate(capacity: c)
    s.update(from: scores, count: count)
    n.update(from: nodes, count: count)
    deallocate()
    scores = s
    nodes = n
    capacity = c
  }

  @inline(__always) mutating func push(_ score: Float, _ node: Int32) {
    if count == capacity { grow() }
    var i = count
    count += 1
    while i > 0 {
      let parent = (i - 1) >> 1
      guard above(score, scores[parent]) else { break }
      scores[i] = scores[parent]
      nodes[i] = nodes[parent]
      i = parent
    }
    scores[i] = score
    nodes[i] = node
  }

  /// Removes the top pair (the heap must not be empty).
  @inline(__always) mutating func pop() {
    count -= 1
    let n = count
    guard n > 0 else { return }
    let s = scores[n]
    let v = nodes[n]
    var i = 0
    while true {
      let l = 2 * i + 1
      if l >= n { break }
      var best = l
      let r = l + 1
      if r < n && above(scores[r], scores[l]) { best = r }
      guard above(scores[best], s) else { break }
      scores[i] = scores[best]
      nodes[i] = nodes[best]
      i = best
    }
    scores[i] = s
    nodes[i] = v
  }

  mutating func removeAll() { count = 0 }

  /// The pairs sorted best (highest score) first.
  func sortedBestFirst() -> [(score: Float, node: Int32)] {
    (0..<count).map { (scores[$0], nodes[$0]) }.sorted {
      $0.score > $1.score || ($0.score == $1.score && $0.node < $1.node)
    }
  }
}
