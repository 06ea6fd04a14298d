import EmbeddingCore
import Foundation

/// The symmetric joint probabilities P of t-SNE, stored sparse (compressed rows).
///
/// Row `i`'s entries are `columns[rowStart[i] ..< rowStart[i+1]]` with `values` alongside;
/// P is symmetric and sums to 1.
struct Affinities: Sendable {
  let rowStart: [Int]
  let columns: [Int32]
  let values: [Float]
  var count: Int { rowStart.count - 1 }

  /// Builds P from each point's k nearest neighbours: per-point Gaussian bandwidths found by
  /// bisection so the conditional distribution's perplexity is `perplexity`, then
  /// P = (P_{j|i} + P_{i|j}) / 2n.
  ///
  /// - Complexity: O(n · k · bisection steps) + O(n · k log k) to symmetrise.
  init(neighbours knn: NeighbourLists, perplexity: Double, threads: Int) {
    let n = knn.count
    let k = knn.k
    let conditional = SharedBuffer<Float>(count: n * k, value: 0)
    let target = log(perplexity)
    knn.distances.withUnsafeBufferPointer { dist in
      let dist = UnsafeSendable(dist)
      parallelFor((n + 255) / 256, threads: threads) { block in
        var p = [Double](repeating: 0, count: k)
        for i in (block * 256)..<min(n, block * 256 + 256) {
          let d = dist.value.baseAddress! + i * k
          Affinities.calibrate(d, k: k, target: target, into: &p)
          for j in 0..<k { conditional[i * k + j] = Float(p[j]) }
        }
      }
    }
    // Symmetrise: every (i, j, p) lands in rows i and j; duplicates are merged.
    var degree = [Int](repeating: 0, count: n + 1)
    for i in 0..<n {
      for e in 0..<k {
        degree[i] += 1
        degree[Int(knn.indices[i * k + e])] += 1
      }
    }
    var start = [Int](repeating: 0, count: n + 1)
    for i in 0..<n { start[i + 1] = start[i] + degree[i] }
    var fill = start
    var cols = [Int32](repeating: 0, count: start[n])
    var vals = [Float](repeating: 0, count: start[n])
    let norm = Float(1 / (2 * Double(n)))
    for i in 0..<n {
      for e in 0..<k {
        let j = Int(knn.indices[i * k + e])
        let v = conditional[i * k + e] * norm
        cols[fill[i]] = Int32(j)
        vals[fill[i]] = v
        fill[i] += 1
        cols[fill[j]] = Int32(i)
        vals[fill[j]] = v
        fill[j] += 1
      }
    }
    var outStart = [Int](repeating: 0, count: n + 1)
    var outCols: [Int32] = []
    var outVals: [Float] = []
    outCols.reserveCapacity(cols.count)
    outVals.reserveCapacity(cols.count)
    for i in 0..<n {
      let order = (start[i]..<start[i + 1]).sorted { cols[$0] < cols[$1] }
      var last: Int32 = -1
      for e in order {
        if cols[e] == last {
          outVals[outVals.count - 1] += vals[e]
        } else {
          outCols.append(cols[e])
          outVals.append(vals[e])
          last = cols[e]
        }
      }
      outStart[i + 1] = outCols.count
    }
    rowStart = outStart
    columns = outCols
    values = outVals
  }

  /// Finds β so that p_j ∝ exp(−β (d_j − d_min)) has entropy `target` (nats); writes p.
  static func calibrate(
    _ d: UnsafePointer<Float>, k: Int, target: Double, into p: inout [Double]
  ) {
    var beta = 1.0
    var lo = 0.0
    var hi = Double.infinity
    let dMin = Double(d[0])
    var spread = 0.0
    for j in 0..<k { spread = max(spread, Double(d[j]) - dMin) }
    if spread > 0 { beta = 1 / spread }
    for _ in 0..<200 {
      var sum = 0.0
      var weighted = 0.0
      for j in 0..<k {
        let delta = Double(d[j]) - dMin
        let e = exp(-beta * delta)
        p[j] = e
        sum += e
        weighted += delta * e
      }
      let entropy = log(sum) + beta * weighted / sum
      let gap = entropy - target
      if abs(gap) < 1e-5 { break }
      if gap > 0 {
        lo = beta
        beta = hi.isInfinite ? beta * 2 : (beta + hi) / 2
      } else {
        hi = beta
        beta = (beta + lo) / 2
      }
    }
    var sum = 0.0
    for j in 0..<k { sum += p[j] }
    for j in 0..<k { p[j] /= sum }
  }
}
