import EmbeddingCore
import Foundation

/// Exact inner-product search over unit rows, one thread: one query at a time with the SIMD dot
/// kernel, or a batch of queries through the GEMM kernels.
///
/// ```swift
/// let top = ExactSearch.search(q, base: x, k: 10)                // [(node, score)], best first
/// let all = ExactSearch.search(queries: qs, base: x, k: 10)      // one list per query row
/// ```
public enum ExactSearch {
  /// The `k` rows of `base` with the highest inner product with `query`, best first.
  ///
  /// ```
  /// query: [d]; base: [n × d] → scores [n] (streamed) → top k
  /// ```
  /// - Complexity: O(n · d + n · log k).
  public static func search(_ query: UnsafePointer<Float>, base: Matrix, k: Int) -> [(
    node: Int32, score: Float
  )] {
    guard k > 0, base.rows > 0 else { return [] }
    var heap = ScoreHeap(max: false, capacity: k + 1)
    defer { heap.deallocate() }
    let d = base.columns
    var p = UnsafePointer(base.baseAddress)
    for r in 0..<base.rows {
      let s = DistanceKernels.dot(query, p, d)
      if heap.count < k {
        heap.push(s, Int32(r))
      } else if s > heap.topScore {
        heap.pop()
        heap.push(s, Int32(r))
      }
      p += d
    }
    return heap.sortedBestFirst().map { ($0.node, $0.score) }
  }

  /// The `k` best rows of `base` for each row of `queries`, best first; scores come from GEMM
  /// on blocks of `block` base rows (so the score matrix stays in cache).
  ///
  /// ```
  /// queries: [m × d]; base: [n × d] → per block S[m × block] = Q · X[block]ᵀ → m heaps of k
  /// ```
  /// - Complexity: O(m · n · d + m · n · log k).
  public static func search(queries: Matrix, base: Matrix, k: Int, block: Int = 4096) -> [[(
    node: Int32, score: Float
  )]] {
    let m = queries.rows
    guard k > 0, base.rows > 0, m > 0 else { return Array(repeating: [], count: m) }
    let d = base.columns
    let b = max(64, block)
    var heaps = (0..<m).map { _ in ScoreHeap(max: false, capacity: k + 1) }
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: m * b)
    defer { scores.deallocate() }
    var lo = 0
    while lo < base.rows {
      let n = min(b, base.rows - lo)
      MatrixMultiply.gemm(
        m: m, n: n, k: d, a: queries.baseAddress, lda: d, b: base.rowPointer(lo), ldb: d,
        transposeB: true, c: scores, ldc: n)
      for i in 0..<m {
        let row = scores + i * n
        var h = heaps[i]
        var threshold = h.count < k ? -Float.infinity : h.topScore
        for j in 0..<n where row[j] > threshold {
          if h.count == k { h.pop() }
          h.push(row[j], Int32(lo + j))
          if h.count == k { threshold = h.topScore }
        }
        heaps[i] = h
      }
      lo += n
    }
    defer { for h in heaps { h.deallocate() } }
    return heaps.map { $0.sortedBestFirst().map { ($0.node, $0.score) } }
  }
}
