/// The best `k` of (document index, score) pairs, highest score first, ties by document index.
enum TopK {
  /// Selects and sorts the top `k`.
  /// - Complexity: O(n log k).
  static func select(_ items: some Sequence<(Int32, Double)>, k: Int) -> [(Int32, Double)] {
    guard k > 0 else { return [] }
    // A sorted buffer of at most k entries; new entries enter by binary insertion.
    var best: [(Int32, Double)] = []
    best.reserveCapacity(k + 1)
    func before(_ a: (Int32, Double), _ b: (Int32, Double)) -> Bool {
      a.1 != b.1 ? a.1 > b.1 : a.0 < b.0
    }
    for item in items {
      if best.count == k, let last = best.last, !before(item, last) { continue }
      var lo = 0
      var hi = best.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if before(best[mid], item) { lo = mid + 1 } else { hi = mid }
      }
      best.insert(item, at: lo)
      if best.count > k { best.removeLast() }
    }
    return best
  }
}
