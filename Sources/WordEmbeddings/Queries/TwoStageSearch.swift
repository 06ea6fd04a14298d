import EmbeddingCore
import Foundation

/// Exact top-k cosine search for batches of queries in two stages: an `Int16` screen that
/// bounds every score, then exact float scores for the few rows the bounds cannot rule out.
///
/// 1. Screening. Rows (`QuantizedRows`) and queries are unit vectors rounded to Int16, so a
///    dot product is 8 multiply-adds per `pmaddwd` at the baseline SSE2 target (twice the
///    float kernel's work per instruction, half its bytes). For row r and query q the
///    integer dot a·b gives approx = a·b/(s_r·s_q)·|q| and a bound on the float score f that
///    `SimilarityKernel` computes (f = fl(fl(r·q)/fl(|r|))):
///
///        |f − approx| ≤ |q|·(ε_r + ε_q + ε_r·ε_q) + slack
///
///    with ε = ‖rounding error‖₂/s (kept per row and per query). Derivation: with
///    a = s_r·u + δ_r and b = s_q·v + δ_q (u, v the unit row and query),
///    a·b/(s_r s_q) − u·v = u·δ_q/s_q + v·δ_r/s_r + δ_r·δ_q/(s_r s_q), and Cauchy–Schwarz
///    bounds each term by ε_q‖u‖, ε_r‖v‖, ε_r ε_q (‖u‖, ‖v‖ ≤ 1 + 1e-12). The float score
///    differs from the real r·q/|r| by at most |q|·(γ_{d+20} + 2⁻²²)·1.01 (a recursive
///    float sum of d + 16 terms at most, and one rounding each for the norm — summed in
///    Double — and the division), plus 1e-12 for every Double rounding and for underflow
///    (rows shorter than 1e-15 are never bounded). All constants are rounded up.
///    Each query keeps its k best LOWER bounds (approx − bound) in a heap; a row whose UPPER
///    bound reaches the current k-th lower bound is kept as a candidate.
/// 2. Rescoring. Candidates whose upper bound reaches the final k-th lower bound are scored
///    with exactly the float arithmetic of `SimilarityKernel`'s 2×2 tile (same summation
///    order, same division by the float norm) and ranked by the same `TopK`. Every row of
///    the true top k has f ≥ (k-th best f) ≥ (k-th best lower bound), so it is a candidate,
///    and the answer is bit-identical to the float kernel's.
enum TwoStageSearch {
  /// Queries per work item (packed Int16: 256 × 304 × 2 bytes = 156 KB, stays in L2).
  static let queryBlock = 256
  static let rowTile = 64
  /// Fewer queries than this are searched by the float kernel alone (the screen's fixed
  /// costs do not pay off, and the float kernel is memory-bound there anyway).
  static let minimumQueries = 32
  /// The largest Int16 copy of the rows that the automatic choice builds.
  ///
  /// 1 GiB is about 1.77M rows of 300 dimensions. The copy costs half the float matrix again,
  /// so larger models keep the float kernel unless the caller forces the two-stage path or
  /// the copy already exists.
  static let maximumCopyBytes = 1 << 30

  /// Whether the two-stage search reproduces the float kernel and is worth running.
  ///
  /// The float kernel scores blocks of fewer than 4 queries with a different summation
  /// order (`dotFourRows`); the rescoring reproduces the 2×2 tile's order, so every block
  /// must hold at least 4 queries.
  static func isWorthwhile(queries m: Int, rows n: Int, k: Int) -> Bool {
    let last = m % SimilarityKernel.queryBlock
    return m >= minimumQueries && (last == 0 || last >= 4) && k > 0 && k * 8 <= n && n >= 256
  }

  /// Each query's `k` best rows among `0..<rowLimit`, identical to `SimilarityKernel.topK`,
  /// or nil when a query cannot be bounded (zero, tiny, huge or non-finite).
  ///
  /// - Complexity: O(m × n × d) Int16 multiply-adds, plus O(candidates × d) float ones.
  static func topK(
    rows matrix: Matrix, quantized: QuantizedRows, norms: [Float], rowLimit: Int,
    queries: Matrix, k: Int, threads: Int = Parallelism.defaultThreads
  ) -> [TopK]? {
    let m = queries.rows
    let d = matrix.columns
    precondition(queries.columns == d && quantized.dimension == d, "dimensions must match")
    let n = min(rowLimit, matrix.rows, quantized.rows)
    guard m > 0, k > 0 else { return nil }
    guard let packed = QuantizedQueries(queries) else { return nil }
    defer { packed.values.deallocate() }
    let work = SearchPartition(
      queries: m, rows: n, queryBlock: queryBlock, rowTile: rowTile, threads: threads)
    let (rowSplits, items) = (work.rowSplits, work.items)
    let screened = ParallelSlots<[Screen]>(count: items, initial: [])
    parallelFor(items, threads: threads) { item in
      let queryRange = work.queryRange(of: item)
      var screens = queryRange.map { _ in Screen(capacity: k) }
      screen(
        quantized, rows: work.rowRange(of: item), packed, queryRange: queryRange,
        screens: &screens)
      screened[item] = screens
    }
    // Merge the row splits' lower bounds, then rescore the surviving candidates exactly.
    let answers = ParallelSlots(count: m, initial: TopK(capacity: 0))
    norms.withUnsafeBufferPointer { normBuffer in
      let normPointer = UnsafeSendable(normBuffer.baseAddress)
      parallelFor(items, threads: threads) { item in
        guard item % rowSplits == 0, let norms = normPointer.value else { return }
        let block = item / rowSplits
        let parts = (0..<rowSplits).map { screened[block * rowSplits + $0] }
        for i in parts[0].indices {
          var bounds = parts[0][i].lower
          for part in parts.dropFirst() { bounds.merge(part[i].lower) }
          let limit = bounds.threshold
          let query = queries.rowPointer(block * queryBlock + i)
          var heap = TopK(capacity: k)
          for part in parts {
            for (row, upper) in zip(part[i].candidates, part[i].uppers) where upper >= limit {
              let r = Int(row)
              heap.offer(tileOrderDot(matrix.rowPointer(r), query, d) / norms[r], row)
            }
          }
          answers[block * queryBlock + i] = heap
        }
      }
    }
    return (0..<m).map { answers[$0] }
  }

  /// Screens rows `rows` for queries `queryRange`: Int16 dots in 4 rows × 2 queries tiles,
  /// then bounds, the lower-bound heaps and the candidate lists.
  private static func screen(
    _ quantized: QuantizedRows, rows: Range<Int>, _ packed: QuantizedQueries,
    queryRange: Range<Int>, screens: inout [Screen]
  ) {
    let qCount = queryRange.count
    guard qCount > 0, !rows.isEmpty else { return }
    let stride = quantized.stride
    let bytes = stride * 2
    let qPadded = (qCount + 3) / 4 * 4
    let dots = UnsafeMutablePointer<Int32>.allocate(capacity: (rowTile + 3) * qPadded)
    defer { dots.deallocate() }
    let qBase = UnsafeRawPointer(packed.values + queryRange.lowerBound * stride)
    let xBase = UnsafeRawPointer(quantized.values)
    // Per four queries: |q|/s_q, the weight of ε_r, the fixed error, the current limit.
    var factor: [SIMD4<Float>] = []
    var weight: [SIMD4<Float>] = []
    var fixed: [SIMD4<Float>] = []
    var limits: [SIMD4<Float>] = []
    for group in 0..<qPadded / 4 {
      var f = SIMD4<Float>()
      var w = SIMD4<Float>()
      var x = SIMD4<Float>()
      var l = SIMD4<Float>(repeating: .infinity)
      for lane in 0..<4 where group * 4 + lane < qCount {
        let query = queryRange.lowerBound + group * 4 + lane
        f[lane] = Float(packed.factor[query])
        w[lane] = Float(packed.rowErrorWeight[query]).nextUp
        x[lane] = Float(packed.fixedError[query]).nextUp
        l[lane] = -.infinity
      }
      factor.append(f)
      weight.append(w)
      fixed.append(x)
      limits.append(l)
    }
    var start = rows.lowerBound
    while start < rows.upperBound {
      let count = min(rowTile, rows.upperBound - start)
      // Four rows per tile; a short last group repeats its last row (extra lines unread).
      for group in 0..<(count + 3) / 4 {
        let r0 = start + 4 * group
        let last = start + count - 1
        let offsets = (
          r0 * bytes, min(r0 + 1, last) * bytes, min(r0 + 2, last) * bytes,
          min(r0 + 3, last) * bytes
        )
        var q = 0
        while q < qPadded {
          tile(xBase, offsets, qBase + q * bytes, bytes, dots + 4 * group * qPadded + q, qPadded)
          q += 2
        }
      }
      // Bounds for four queries at a time in Float (`fixedError` holds 1e-6·|q| for the
      // rounding of this arithmetic); lanes past qCount have limit +∞ and never pass.
      for r in 0..<count {
        let row = start + r
        let inverse = Float(quantized.inverseScale[row])
        let error = Float(quantized.relativeError[row])
        let line = UnsafeRawPointer(dots + r * qPadded)
        var i = 0
        while i < qPadded {
          let dot4 = SIMD4<Float>(line.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Int32>.self))
          let approx = dot4 * (inverse * factor[i / 4])
          let bound = error * weight[i / 4] + fixed[i / 4]
          let upper = approx + bound
          if any(upper .>= limits[i / 4]) {
            for lane in 0..<4 where upper[lane] >= limits[i / 4][lane] {
              let q = i + lane
              screens[q].candidates.append(Int32(row))
              screens[q].uppers.append(Double(upper[lane]))
              let lower = approx[lane] - bound[lane]
              if lower > limits[i / 4][lane] {
                screens[q].lower.offer(Double(lower))
                limits[i / 4][lane] = Float(screens[q].lower.threshold)
              }
            }
          }
          i += 4
        }
      }
      start += count
    }
  }

  /// Int16 dot products of a 4 rows × 2 queries tile (`bytes` per zero-padded vector, a
  /// multiple of 16): out[r × stride + c] = x_r·q_c. Each step widens 8 lanes to Int32,
  /// multiplies and adds even and odd halves: one `pmaddwd` per row-query pair (eight
  /// `SIMD4<Int32>` sums + two query registers + temporaries fit SSE's 16 registers).
  /// Wrapping arithmetic is exact here: |every partial sum| < 2³¹ (see `QuantizedRows`).
  @inline(__always)
  private static func tile(
    _ x: UnsafeRawPointer, _ rowBytes: (Int, Int, Int, Int), _ q0: UnsafeRawPointer,
    _ bytes: Int, _ out: UnsafeMutablePointer<Int32>, _ stride: Int
  ) {
    let q1 = q0 + bytes
    let x0 = x + rowBytes.0
    let x1 = x + rowBytes.1
    let x2 = x + rowBytes.2
    let x3 = x + rowBytes.3
    var a00 = SIMD4<Int32>()
    var a01 = SIMD4<Int32>()
    var a10 = SIMD4<Int32>()
    var a11 = SIMD4<Int32>()
    var a20 = SIMD4<Int32>()
    var a21 = SIMD4<Int32>()
    var a30 = SIMD4<Int32>()
    var a31 = SIMD4<Int32>()
    var off = 0
    while off < bytes {
      let y0 = SIMD8<Int32>(
        truncatingIfNeeded: q0.loadUnaligned(fromByteOffset: off, as: SIMD8<Int16>.self))
      let y1 = SIMD8<Int32>(
        truncatingIfNeeded: q1.loadUnaligned(fromByteOffset: off, as: SIMD8<Int16>.self))
      var v = SIMD8<Int32>(
        truncatingIfNeeded: x0.loadUnaligned(fromByteOffset: off, as: SIMD8<Int16>.self))
      var p = v &* y0
      a00 &+= p.evenHalf &+ p.oddHalf
      p = v &* y1
      a01 &+= p.evenHalf &+ p.oddHalf
      v = SIMD8<Int32>(
        truncatingIfNeeded: x1.loadUnaligned(fromByteOffset: off, as: SIMD8<Int16>.self))
      p = v &* y0
      a10 &+= p.evenHalf &+ p.oddHalf
      p = v &* y1
      a11 &+= p.evenHalf &+ p.oddHalf
      v = SIMD8<Int32>(
        truncatingIfNeeded: x2.loadUnaligned(fromByteOffset: off, as: SIMD8<Int16>.self))
      p = v &* y0
      a20 &+= p.evenHalf &+ p.oddHalf
      p = v &* y1
      a21 &+= p.evenHalf &+ p.oddHalf
      v = SIMD8<Int32>(
        truncatingIfNeeded: x3.loadUnaligned(fromByteOffset: off, as: SIMD8<Int16>.self))
      p = v &* y0
      a30 &+= p.evenHalf &+ p.oddHalf
      p = v &* y1
      a31 &+= p.evenHalf &+ p.oddHalf
      off &+= 16
    }
    out[0] = a00.wrappedSum()
    out[1] = a01.wrappedSum()
    out[stride] = a10.wrappedSum()
    out[stride + 1] = a11.wrappedSum()
    out[2 * stride] = a20.wrappedSum()
    out[2 * stride + 1] = a21.wrappedSum()
    out[3 * stride] = a30.wrappedSum()
    out[3 * stride + 1] = a31.wrappedSum()
  }

  /// x·q in exactly the order of `SimilarityKernel`'s 2×2 tile for one row-query pair:
  /// eight float lanes over d/8 steps, their `sum()`, a 4-lane tail, then scalars.
  @inline(__always)
  static func tileOrderDot(_ x: UnsafePointer<Float>, _ q: UnsafePointer<Float>, _ d: Int)
    -> Float
  {
    let rx = UnsafeRawPointer(x)
    let rq = UnsafeRawPointer(q)
    var a = SIMD8<Float>()
    let end8 = d / 8 * 32
    var off = 0
    while off < end8 {
      a +=
        rx.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
        * rq.loadUnaligned(fromByteOffset: off, as: SIMD8<Float>.self)
      off += 32
    }
    var s = a.sum()
    var j = d / 8 * 8
    if j + 4 <= d {
      let o = j * 4
      s +=
        (rx.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
        * rq.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)).sum()
      j += 4
    }
    while j < d {
      s += x[j] * q[j]
      j += 1
    }
    return s
  }
}

/// One query's screening state in one work item.
private struct Screen {
  var lower: LowerBoundHeap
  var candidates: [Int32] = []
  var uppers: [Double] = []
  init(capacity: Int) { lower = LowerBoundHeap(capacity: capacity) }
}

/// The `capacity` largest lower bounds seen (a bounded min-heap of values).
private struct LowerBoundHeap {
  let capacity: Int
  private(set) var values: [Double] = []

  init(capacity: Int) {
    self.capacity = capacity
    values.reserveCapacity(capacity)
  }

  /// The k-th largest bound (−∞ until `capacity` bounds were offered).
  var threshold: Double { values.count < capacity ? -.infinity : values[0] }

  mutating func offer(_ value: Double) {
    if values.count < capacity {
      values.append(value)
      var i = values.count - 1
      while i > 0 {
        let parent = (i - 1) / 2
        guard values[i] < values[parent] else { break }
        values.swapAt(i, parent)
        i = parent
      }
      return
    }
    guard value > values[0] else { return }
    values[0] = value
    var i = 0
    while true {
      var smallest = i
      let left = 2 * i + 1
      let right = left + 1
      if left < values.count && values[left] < values[smallest] { smallest = left }
      if right < values.count && values[right] < values[smallest] { smallest = right }
      if smallest == i { break }
      values.swapAt(i, smallest)
      i = smallest
    }
  }

  mutating func merge(_ other: LowerBoundHeap) {
    for v in other.values { offer(v) }
  }
}

/// The queries quantized like `QuantizedRows`, with their per-query bound terms.
///
/// `@unchecked Sendable`: written once in `init`, only read by the workers.
private struct QuantizedQueries: @unchecked Sendable {
  /// (m rounded up to 4) × stride Int16 values, zero-padded; freed by the caller.
  let values: UnsafeMutablePointer<Int16>
  /// |q|/s_q: approx = (a·b) × (1/s_r) × factor.
  let factor: [Double]
  /// Multiplies the row's ε_r: |q|·(1 + ε_q), rounded up.
  let rowErrorWeight: [Double]
  /// |q|·(ε_q + float slack + 1e-6) + 1e-12, rounded up.
  let fixedError: [Double]

  init?(_ queries: Matrix) {
    let m = queries.rows
    let d = queries.columns
    let stride = (d + 7) / 8 * 8
    let padded = (m + 3) / 4 * 4
    let values = UnsafeMutablePointer<Int16>.allocate(capacity: max(1, padded * stride))
    values.initialize(repeating: 0, count: max(1, padded * stride))
    var factor: [Double] = []
    var weight: [Double] = []
    var fixed: [Double] = []
    let floatSlack = (Double(d + 20) * 0x1p-24 * 1.01 + 0x1p-22) * 1.01
    for i in 0..<m {
      let q = QuantizedRows.quantize(
        queries.rowPointer(i), d, into: values + i * stride, stride: stride)
      guard q.relativeError.isFinite else {
        values.deallocate()
        return nil
      }
      let up = 1 + 1e-9
      factor.append(q.inverseScale * q.length)
      weight.append(q.length * (1 + q.relativeError) * up * up)
      // 1e-6·|q| covers the screen's Float arithmetic (a few roundings of values ≤ |q|).
      fixed.append(
        (q.length * q.relativeError * up + q.length * (floatSlack + 1e-6)) * up + 1e-12)
    }
    self.values = values
    self.factor = factor
    rowErrorWeight = weight
    fixedError = fixed
  }
}
