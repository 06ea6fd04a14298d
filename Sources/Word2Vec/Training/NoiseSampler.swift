/// Draws negative samples from the unigram distribution raised to `power` (0.75), in O(1)
/// per draw with Walker's alias method.
///
/// word2vec.c fills a table of 10⁸ ints (400 MB) for this; the alias table holds the exact
/// distribution in 8 bytes per word, so it is small enough to stay in cache.
///
/// - Complexity: O(V) to build, O(1) per sample.
struct NoiseSampler {
  /// Acceptance thresholds (probability × 2³²) per bucket.
  let threshold: [UInt32]
  /// The word a bucket yields when its own word is rejected.
  let alias: [Int32]

  init(counts: [Int], power: Double = 0.75) {
    let v = counts.count
    precondition(v > 0)
    var weights = counts.map { Double($0) == 0 ? 0 : pow(Double($0), power) }
    let total = weights.reduce(0, +)
    for i in 0..<v { weights[i] = weights[i] * Double(v) / total }
    var threshold = [UInt32](repeating: UInt32.max, count: v)
    var alias = [Int32](repeating: 0, count: v)
    for i in 0..<v { alias[i] = Int32(i) }
    var small: [Int] = []
    var large: [Int] = []
    for i in 0..<v { if weights[i] < 1 { small.append(i) } else { large.append(i) } }
    while let s = small.popLast() {
      guard let l = large.last else { break }
      threshold[s] = UInt32(min(4_294_967_295.0, (weights[s] * 4_294_967_296.0).rounded(.down)))
      alias[s] = Int32(l)
      weights[l] -= 1 - weights[s]
      if weights[l] < 1 {
        large.removeLast()
        small.append(l)
      }
    }
    self.threshold = threshold
    self.alias = alias
  }
}

@inline(__always) private func pow(_ x: Double, _ y: Double) -> Double {
  Foundation.pow(x, y)
}

import Foundation
