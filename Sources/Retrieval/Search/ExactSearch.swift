import EmbeddingCore
import Foundation

/// Exact inner-product search over unit rows, one thread: one query at a time with the SIMD dot
/// scan, or a batch of queries through the GEMM micro-kernels with a fused top-k.
///
/// ```swift
/// let top = ExactSearch.search(q, base: x, k: 10)                // [(node, score)], best first
/// let all = ExactSearch.search(queries: qs, base: x, k: 10)      // one list per query row
/// ```
public enum ExactSearch {
  /// The `k` rows of `base` with the highest inner product with `query`, best first.
  ///
  /// ```
  /// query: [d]; base: [n × d] → scores of 256 rows at a time (`DistanceKernels.dotRows`) → top k
  /// ```
  /// - Complexity: O(n · d + n · log k).
  public static func search(_ query: UnsafePointer<Float>, base: Matrix, k: Int) -> [(
    node: Int32, score: Float
  )] {
    guard k > 0, base.rows > 0 else { return [] }
    var heap = ScoreHeap(max: false, capacity: k + 1)
    defer { heap.deallocate() }
    let d = base.columns
    let block = 256
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: block)
    defer { scores.deallocate() }
    var threshold = -Float.infinity
    var r0 = 0
    while r0 < base.rows {
      let rn = min(block, base.rows - r0)
      DistanceKernels.dotRows(
        query, rows: base.rowPointer(r0), dimension: d, count: rn, into: scores)
      threshold = offer(scores, count: rn, firstRow: r0, to: &heap, k: k, threshold: threshold)
      r0 += rn
    }
    return heap.sortedBestFirst().map { ($0.node, $0.score) }
  }

  /// The `k` best rows of `base` for each row of `queries`, best first: a blocked GEMM of queries ×
  /// base rows (`MatrixMultiply.innerProductTiles`, base blocks sized for L2) with a fused top-k per
  /// query (a heap of k and a threshold scan, `DistanceKernels.firstIndex(above:)`, that skips the scores
  /// that cannot enter it).
  ///
  /// ```
  /// queries: [m × d]; base: [n × d] → tiles S[≤6 × block] = Q[tile] · X[block]ᵀ (in L1) → m heaps of k
  /// ```
  /// - Parameter block: base rows per block (0: sized for L2 by `innerProductBlockRows`).
  /// - Complexity: O(m · n · d + m · n) time, O(m · k + block · d) memory.
  public static func search(queries: Matrix, base: Matrix, k: Int, block: Int = 0) -> [[(
    node: Int32, score: Float
  )]] {
    let m = queries.rows
    guard k > 0, base.rows > 0, m > 0 else { return Array(repeating: [], count: m) }
    let heaps = UnsafeMutablePointer<ScoreHeap>.allocate(capacity: m)
    heaps.initialize(from: (0..<m).map { _ in ScoreHeap(max: false, capacity: k + 1) }, count: m)
    let thresholds = UnsafeMutablePointer<Float>.allocate(capacity: m)
    thresholds.initialize(repeating: -.infinity, count: m)
    defer {
      for i in 0..<m { heaps[i].deallocate() }
      heaps.deinitialize(count: m)
      heaps.deallocate()
      thresholds.deallocate()
    }
    MatrixMultiply.innerProductTiles(
      queries: queries.baseAddress, count: m, base: base.baseAddress, rows: base.rows,
      dimension: base.columns, blockRows: block
    ) { q0, qn, r0, rn, scores, stride in
      for i in 0..<qn {
        thresholds[q0 + i] = offer(
          scores + i * stride, count: rn, firstRow: r0, to: &heaps[q0 + i], k: k,
          threshold: thresholds[q0 + i])
      }
    }
    return (0..<m).map { heaps[$0].sortedBestFirst().map { ($0.node, $0.score) } }
  }

  /// Offers scores[0..<count] (rows firstRow...) to a min-heap of at most k; returns the new
  /// threshold (the heap's worst score once it holds k, else −∞).
  @inline(__always)
  static func offer(
    _ scores: UnsafePointer<Float>, count: Int, firstRow: Int, to heap: inout ScoreHeap, k: Int,
    threshold: Float
  ) -> Float {
    var t = threshold
    var j = DistanceKernels.firstIndex(scores, from: 0, count: count, above: t)
    while j < count {
      if heap.count == k { heap.pop() }
      heap.push(scores[j], Int32(firstRow + j))
      if heap.count == k { t = heap.topScore }
      j = DistanceKernels.firstIndex(scores, from: j + 1, count: count, above: t)
    }
    return t
  }
}
