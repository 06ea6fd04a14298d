/// A binary heap of (score, node) pairs, ordered by score: a max-heap when `max` is true.
///
/// HNSW keeps two: candidates to expand (best first) and the current results (worst on top).
struct ScoreHeap {
  private(set) var items: [(score: Float, node: Int32)] = []
  let max: Bool

  init(max: Bool, capacity: Int = 64) {
    self.max = max
    items.reserveCapacity(capacity)
  }

  var count: Int { items.count }
  var isEmpty: Bool { items.isEmpty }
  var top: (score: Float, node: Int32)? { items.first }

  @inline(__always) private func above(_ a: Float, _ b: Float) -> Bool { max ? a > b : a < b }

  mutating func push(_ score: Float, _ node: Int32) {
    items.append((score, node))
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard above(items[i].score, items[parent].score) else { break }
      items.swapAt(i, parent)
      i = parent
    }
  }

  @discardableResult
  mutating func pop() -> (score: Float, node: Int32)? {
    guard !items.isEmpty else { return nil }
    let first = items[0]
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var i = 0
      let n = items.count
      while true {
        let l = 2 * i + 1
        let r = l + 1
        var best = i
        if l < n && above(items[l].score, items[best].score) { best = l }
        if r < n && above(items[r].score, items[best].score) { best = r }
        if best == i { break }
        items.swapAt(i, best)
        i = best
      }
    }
    return first
  }

  mutating func removeAll() { items.removeAll(keepingCapacity: true) }
}
