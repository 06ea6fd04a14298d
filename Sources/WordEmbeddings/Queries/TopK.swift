/// A bounded heap of the best-scoring rows.
///
/// The `capacity` best (highest-scoring) rows seen so far: a bounded min-heap whose root is
/// the worst kept entry. Equal scores prefer the lower row, so results are deterministic.
///
/// - Complexity: `offer` is O(1) when the score does not beat the root, O(log capacity) otherwise.
struct TopK {
  let capacity: Int
  private(set) var scores: [Float]
  private(set) var rows: [Int32]
  private(set) var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 0)
    scores = [Float](repeating: 0, count: self.capacity)
    rows = [Int32](repeating: 0, count: self.capacity)
  }

  /// Scores below this cannot enter (−∞ until the heap is full).
  @inline(__always) var threshold: Float {
    count < capacity ? -.infinity : scores[0]
  }

  /// Whether (a, ra) ranks worse than (b, rb).
  @inline(__always)
  private static func worse(_ a: Float, _ ra: Int32, _ b: Float, _ rb: Int32) -> Bool {
    a < b || (a == b && ra > rb)
  }

  /// Offers a row; NaN scores are ignored.
  @inline(__always)
  mutating func offer(_ score: Float, _ row: Int32) {
    guard capacity > 0, score == score else { return }
    if count < capacity {
      var i = count
      count += 1
      while i > 0 {
        let parent = (i - 1) / 2
        if TopK.worse(score, row, scores[parent], rows[parent]) {
          scores[i] = scores[parent]
          rows[i] = rows[parent]
          i = parent
        } else {
          break
        }
      }
      scores[i] = score
      rows[i] = row
      return
    }
    guard TopK.worse(scores[0], rows[0], score, row) else { return }
    var i = 0
    while true {
      let left = 2 * i + 1
      if left >= count { break }
      var child = left
      let right = left + 1
      if right < count && TopK.worse(scores[right], rows[right], scores[left], rows[left]) {
        child = right
      }
      if TopK.worse(scores[child], rows[child], score, row) {
        scores[i] = scores[child]
        rows[i] = rows[child]
        i = child
      } else {
        break
      }
    }
    scores[i] = score
    rows[i] = row
  }

  /// Adds everything another heap kept.
  mutating func merge(_ other: TopK) {
    for i in 0..<other.count { offer(other.scores[i], other.rows[i]) }
  }

  /// The kept rows, best first.
  func sorted() -> [(row: Int, score: Float)] {
    (0..<count).map { (Int(rows[$0]), scores[$0]) }.sorted {
      $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row)
    }
  }
}
