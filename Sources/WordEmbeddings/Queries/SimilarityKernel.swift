import EmbeddingCore
import Foundation

/// Top-k cosine search of many query vectors against the rows of a matrix, in one pass.
///
/// Shapes: rows X (n × d, raw, row-major), norms (n), queries Q (m × d, unit length).
/// score(i, r) = (X[r] · Q[i]) / norms[r] — the same formula as gensim's `most_similar`.
///
/// Blocking: queries are packed in blocks of `queryBlock` (stride `dp` = d rounded up to 8,
/// zero-padded, ~150 KB for d = 300: stays in L2), rows are read in place `rowTile` at a time
/// (a row pair stays in L1), and a register tile of 2 rows × 2 queries accumulates four
/// `SIMD8<Float>` sums (`acc += x * y`, vectorised at the baseline SSE2 target). Each score
/// goes straight into its query's bounded heap, so the m × n score matrix never exists.
/// Work items (query block × row range) run on all cores.
enum SimilarityKernel {
  static let queryBlock = 128
  static let rowTile = 64
  /// Queries per register tile: 2 at the baseline SSE2 target (8 of 16 registers hold
  /// sums), 4 when built for the CPU (`-D EMBEDDINGKIT_NATIVE`: 16/32 AVX registers; the
  /// wider tile hides the add latency that bounds a 2×2 tile there).
  #if EMBEDDINGKIT_NATIVE
    static let tileQueries = 4
  #else
    static let tileQueries = 2
  #endif

  /// Searches rows `0..<rowLimit` for each query's `k` best rows.
  ///
  /// - Complexity: O(m × rowLimit × d) arithmetic, O(m × k) memory beyond the inputs.
  static func topK(
    rows matrix: Matrix, norms: [Float], rowLimit: Int, queries: Matrix, k: Int,
    threads: Int = Parallelism.defaultThreads
  ) -> [TopK] {
    let m = queries.rows
    let d = matrix.columns
    precondition(queries.columns == d, "query dimension must match")
    let n = min(rowLimit, matrix.rows)
    guard m > 0 else { return [] }
    let dp = (d + 7) / 8 * 8
    let work = SearchPartition(
      queries: m, rows: n, queryBlock: queryBlock, rowTile: rowTile, threads: threads)
    let (blocks, rowSplits, items) = (work.blocks, work.rowSplits, work.items)
    let results = ParallelSlots<[TopK]>(count: items, initial: [])
    norms.withUnsafeBufferPointer { normBuffer in
      let normPointer = UnsafeSendable(normBuffer.baseAddress)
      parallelFor(items, threads: threads) { item in
        let queryRange = work.queryRange(of: item)
        let rowRange = work.rowRange(of: item)
        var heaps = queryRange.map { _ in TopK(capacity: k) }
        guard let norms = normPointer.value, !rowRange.isEmpty else {
          results[item] = heaps
          return
        }
        searchBlock(
          matrix, norms: norms, rows: rowRange, queries: queries, queryRange: queryRange,
          dp: dp, heaps: &heaps)
        results[item] = heaps
      }
    }
    var merged: [TopK] = []
    merged.reserveCapacity(m)
    for block in 0..<blocks {
      var heaps = results[block * rowSplits]
      for split in 1..<rowSplits {
        let other = results[block * rowSplits + split]
        for i in heaps.indices { heaps[i].merge(other[i]) }
      }
      merged.append(contentsOf: heaps)
    }
    return merged
  }

  /// One work item: a block of ≤ `queryBlock` queries against a range of rows.
  private static func searchBlock(
    _ matrix: Matrix, norms: UnsafePointer<Float>, rows: Range<Int>, queries: Matrix,
    queryRange: Range<Int>, dp: Int, heaps: inout [TopK]
  ) {
    let d = matrix.columns
    let qCount = queryRange.count
    // Scores below a query's threshold cannot enter its heap: checked before calling it.
    var thresholds = [Float](repeating: -.infinity, count: qCount)
    if qCount < 4 {
      // One to three queries (latency): memory-bound, four rows per pass over the query.
      var four = (Float(0), Float(0), Float(0), Float(0))
      for i in 0..<qCount {
        let q = queries.rowPointer(queryRange.lowerBound + i)
        var r = rows.lowerBound
        while r < rows.upperBound {
          let n = min(4, rows.upperBound - r)
          if n == 4 {
            four = dotFourRows(matrix.rowPointer(r), d, q)
          } else {
            four.0 = VectorKernels.dot(matrix.rowPointer(r), q, d)
            four.1 = n > 1 ? VectorKernels.dot(matrix.rowPointer(r + 1), q, d) : 0
            four.2 = n > 2 ? VectorKernels.dot(matrix.rowPointer(r + 2), q, d) : 0
          }
          for k in 0..<n {
            let dot = k == 0 ? four.0 : k == 1 ? four.1 : k == 2 ? four.2 : four.3
            let score = dot / norms[r + k]
            if score >= thresholds[i] {
              heaps[i].offer(score, Int32(r + k))
              thresholds[i] = heaps[i].threshold
            }
          }
          r += n
        }
      }
      return
    }
    let qPadded = (qCount + tileQueries - 1) / tileQueries * tileQueries
    // Packed queries (qPadded × dp), zero-padded.
    let packedQ = UnsafeMutablePointer<Float>.allocate(capacity: qPadded * dp)
    packedQ.initialize(repeating: 0, count: qPadded * dp)
    defer { packedQ.deallocate() }
    for (i, q) in queryRange.enumerated() {
      (packedQ + i * dp).update(from: queries.rowPointer(q), count: d)
    }
    let dots = UnsafeMutablePointer<Float>.allocate(capacity: rowTile * qPadded)
    defer { dots.deallocate() }
    var start = rows.lowerBound
    while start < rows.upperBound {
      let count = min(rowTile, rows.upperBound - start)
      // Rows are read in place (unaligned loads; a row pair stays in L1 while the packed
      // queries stream from L2). An odd last row is paired with itself.
      for pair in 0..<(count + 1) / 2 {
        let r0 = start + 2 * pair
        let r1 = min(r0 + 1, start + count - 1)
        var q = 0
        while q < qPadded {
          #if EMBEDDINGKIT_NATIVE
            microKernelWide(
              matrix.rowPointer(r0), matrix.rowPointer(r1), packedQ + q * dp, dp, d,
              dots + 2 * pair * qPadded + q, qPadded)
          #else
            microKernel(
              matrix.rowPointer(r0), matrix.rowPointer(r1), packedQ + q * dp, dp, d,
              dots + 2 * pair * qPadded + q, qPadded)
          #endif
          q += tileQueries
        }
      }
      thresholds.withUnsafeMutableBufferPointer { limit in
        for r in 0..<count {
          let norm = norms[start + r]
          let line = dots + r * qPadded
          for i in 0..<qCount {
            let score = line[i] / norm
            if score >= limit[i] {
              heaps[i].offer(score, Int32(start + r))
              limit[i] = heaps[i].threshold
            }
          }
        }
      }
      start += count
    }
  }

  /// Dot products of four consecutive rows (stride d, starting at x) with one query q.
  @inline(__always)
  private static func dotFourRows(_ x: UnsafePointer<Float>, _ d: Int, _ q: UnsafePointer<Float>)
    -> (Float, Float, Float, Float)
  {
    let rx = UnsafeRawPointer(x)
    let rq = UnsafeRawPointer(q)
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var a3 = SIMD8<Float>()
    let rowBytes = d * 4
    var j = 0
    while j + 8 <= d {
      let off = j * 4
      let v = rq.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
      a0 += rx.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self) * v
      a1 += rx.loadUnaligned(fromByteOffset: rowBytes + off, as: SIMD8<Float>.self) * v
      a2 += rx.loadUnaligned(fromByteOffset: 2 * rowBytes + off, as: SIMD8<Float>.self) * v
      a3 += rx.loadUnaligned(fromByteOffset: 3 * rowBytes + off, as: SIMD8<Float>.self) * v
      j += 8
    }
    var s0 = a0.sum()
    var s1 = a1.sum()
    var s2 = a2.sum()
    var s3 = a3.sum()
    while j < d {
      let v = q[j]
      s0 += x[j] * v
      s1 += x[d + j] * v
      s2 += x[2 * d + j] * v
      s3 += x[3 * d + j] * v
      j += 1
    }
    return (s0, s1, s2, s3)
  }

  /// Dot products of a register tile of 2 rows × 2 queries.
  ///
  /// out[0], out[1] = x0·q0, x0·q1 and out[stride], out[stride + 1] = x1·q0, x1·q1, for
  /// rows x0, x1 (d floats, read unaligned in place) and packed queries q0 = q, q1 = q + dp.
  /// Four `SIMD8<Float>` accumulators (eight SSE registers at the baseline target; the
  /// fastest of 2×4, 3×4 SIMD4 and 2×2 SIMD8 tiles measured), then a SIMD4 and a scalar tail.
  @inline(__always)
  private static func microKernel(
    _ x0p: UnsafePointer<Float>, _ x1p: UnsafePointer<Float>, _ q: UnsafePointer<Float>,
    _ dp: Int, _ d: Int, _ out: UnsafeMutablePointer<Float>, _ stride: Int
  ) {
    let rx0 = UnsafeRawPointer(x0p)
    let rx1 = UnsafeRawPointer(x1p)
    let rq = UnsafeRawPointer(q)
    var a00 = SIMD8<Float>()
    var a01 = SIMD8<Float>()
    var a10 = SIMD8<Float>()
    var a11 = SIMD8<Float>()
    let qBytes = dp * 4
    let end8 = d / 8 * 32
    var off = 0
    while off < end8 {
      let q0 = rq.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
      let q1 = rq.loadUnaligned(fromByteOffset: qBytes + off, as: SIMD8<Float>.self)
      let x0 = rx0.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
      a00 += x0 * q0
      a01 += x0 * q1
      let x1 = rx1.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
      a10 += x1 * q0
      a11 += x1 * q1
      off += 32
    }
    var s00 = a00.sum()
    var s01 = a01.sum()
    var s10 = a10.sum()
    var s11 = a11.sum()
    var j = d / 8 * 8
    if j + 4 <= d {
      let o = j * 4
      let q0 = rq.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
      let q1 = rq.loadUnaligned(fromByteOffset: qBytes + o, as: SIMD4<Float>.self)
      let x0 = rx0.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
      let x1 = rx1.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
      s00 += (x0 * q0).sum()
      s01 += (x0 * q1).sum()
      s10 += (x1 * q0).sum()
      s11 += (x1 * q1).sum()
      j += 4
    }
    while j < d {
      s00 += x0p[j] * q[j]
      s01 += x0p[j] * q[dp + j]
      s10 += x1p[j] * q[j]
      s11 += x1p[j] * q[dp + j]
      j += 1
    }
    out[0] = s00
    out[1] = s01
    out[stride] = s10
    out[stride + 1] = s11
  }

  #if EMBEDDINGKIT_NATIVE
    /// The 2 rows × 4 queries tile of native builds: eight `SIMD8<Float>` sums, so the
    /// vector adds of one iteration are independent enough to fill AVX's pipelines.
    @inline(__always)
    private static func microKernelWide(
      _ x0p: UnsafePointer<Float>, _ x1p: UnsafePointer<Float>, _ q: UnsafePointer<Float>,
      _ dp: Int, _ d: Int, _ out: UnsafeMutablePointer<Float>, _ stride: Int
    ) {
      let rx0 = UnsafeRawPointer(x0p)
      let rx1 = UnsafeRawPointer(x1p)
      let rq = UnsafeRawPointer(q)
      var a00 = SIMD8<Float>()
      var a01 = SIMD8<Float>()
      var a02 = SIMD8<Float>()
      var a03 = SIMD8<Float>()
      var a10 = SIMD8<Float>()
      var a11 = SIMD8<Float>()
      var a12 = SIMD8<Float>()
      var a13 = SIMD8<Float>()
      let qBytes = dp * 4
      let end8 = d / 8 * 32
      var off = 0
      while off < end8 {
        let x0 = rx0.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
        let x1 = rx1.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
        var v = rq.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
        a00 += x0 * v
        a10 += x1 * v
        v = rq.loadUnaligned(fromByteOffset: qBytes + off, as: SIMD8<Float>.self)
        a01 += x0 * v
        a11 += x1 * v
        v = rq.loadUnaligned(fromByteOffset: 2 * qBytes + off, as: SIMD8<Float>.self)
        a02 += x0 * v
        a12 += x1 * v
        v = rq.loadUnaligned(fromByteOffset: 3 * qBytes + off, as: SIMD8<Float>.self)
        a03 += x0 * v
        a13 += x1 * v
        off += 32
      }
      var s0 = SIMD4<Float>(a00.sum(), a01.sum(), a02.sum(), a03.sum())
      var s1 = SIMD4<Float>(a10.sum(), a11.sum(), a12.sum(), a13.sum())
      for j in (d / 8 * 8)..<d {
        let v = SIMD4<Float>(q[j], q[dp + j], q[2 * dp + j], q[3 * dp + j])
        s0 += x0p[j] * v
        s1 += x1p[j] * v
      }
      for k in 0..<4 {
        out[k] = s0[k]
        out[stride + k] = s1[k]
      }
    }
  #endif
}
