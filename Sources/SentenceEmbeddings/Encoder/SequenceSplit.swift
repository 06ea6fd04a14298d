/// Splits a batch's sequences between threads so that each thread encodes its own group alone.
///
/// Running whole sequences per thread needs one synchronisation per batch instead of one per
/// matrix product (seven per layer), and each thread keeps its activations in its own cache.
/// It pays only when the groups cost about the same: cost is modelled as L·(1 + L/1024) for a
/// sequence of L tokens (linear layers grow with L, attention with L²), and groups are filled
/// longest first, each sequence to the cheapest group (LPT scheduling).
///
/// ```swift
/// SequenceSplit.groups(lengths: [40, 12, 30, 25], threads: 2)   // [[0, 1], [2, 3]]
/// SequenceSplit.groups(lengths: [200, 10], threads: 2)          // [[0, 1]]: no balanced split
/// ```
enum SequenceSplit {
  /// Largest group cost allowed, relative to a perfect split, before falling back to one group.
  static let tolerance = 1.08

  /// The modelled cost of a sequence of `length` tokens.
  static func cost(_ length: Int) -> Double {
    Double(length) * (1 + Double(length) / 1024)
  }

  /// Groups of sequence indices (ascending in each group), one per thread; a single group of all
  /// indices when `threads` is 1 or no split is within `tolerance` of even.
  /// - Complexity: O(n log n + n·threads) for n sequences.
  static func groups(lengths: [Int], threads: Int) -> [[Int]] {
    let all = Array(lengths.indices)
    let k = min(threads, lengths.count)
    guard k > 1 else { return [all] }
    let order = all.sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
    var load = [Double](repeating: 0, count: k)
    var groups = [[Int]](repeating: [], count: k)
    for i in order {
      var best = 0
      for g in 1..<k where load[g] < load[best] { best = g }
      load[best] += cost(lengths[i])
      groups[best].append(i)
    }
    let total = load.reduce(0, +)
    guard let worst = load.max(), worst <= tolerance * total / Double(k) else { return [all] }
    return groups.map { $0.sorted() }
  }
}
