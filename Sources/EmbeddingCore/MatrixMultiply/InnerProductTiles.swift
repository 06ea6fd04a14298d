/// Streamed inner products of query rows with many base rows, in tiles that stay in cache, for exact
/// nearest-neighbour search: the caller consumes each tile (a fused top-k) while it is still in L2, so
/// the full score matrix is never written to memory.
///
/// ```swift
/// MatrixMultiply.innerProductTiles(queries: q, count: m, base: x, rows: n, dimension: d) {
///   firstQuery, queryCount, firstRow, rowCount, scores, stride in
///   // scores[i · stride + j] = q[firstQuery + i] · x[firstRow + j]
/// }
/// ```
extension MatrixMultiply {
  /// Bytes of packed base rows per block: the block is re-read from L2 once per query block, so it
  /// should stay well inside L2 (512 KiB–1 MiB per core on current x86 servers).
  public static let innerProductBlockBytes = 384 * 1024

  /// Base rows per block for `dimension`-float rows: `innerProductBlockBytes` worth, a multiple of
  /// 32 (one packed panel), between 32 and 2048.
  public static func innerProductBlockRows(dimension d: Int) -> Int {
    let rows = innerProductBlockBytes / max(1, 4 * d)
    return min(2048, max(32, rows / 32 * 32))
  }

  /// Calls `body` with every tile of S = Q · Xᵀ (one thread), base blocks in order, query blocks in
  /// order within a base block.
  ///
  /// ```
  /// queries: [m × d] (packed once by `FloatGemm.packRows`); base: [n × d] → per base block of B rows
  /// (packed, B × d floats in L2): per block of ≤ 192 queries: scores [queryCount × B], row stride B,
  /// by `FloatGemm.run`
  /// ```
  /// Each query block is one `FloatGemm.run` over the packed base block: a 128 × 32 slice of packed
  /// rows stays in L1 while the query rows stream past it (the encoder's blocking; the other order,
  /// ≤ 6 queries against the whole block, re-read every slice from L2 and ran at 0.57× faiss's BLAS).
  /// A score equals the one `gemm` computes for that pair (same micro-kernels, same k-blocking).
  /// - Parameters:
  ///   - blockRows: base rows per block (0: `innerProductBlockRows(dimension:)`; rounded up to 32).
  ///   - body: (firstQuery, queryCount, firstRow, rowCount, scores, stride); `scores` is valid only
  ///     during the call.
  /// - Complexity: O(m · n · d) time, O(m · d + B · d + 192 · B) memory.
  public static func innerProductTiles(
    queries q: UnsafePointer<Float>, count m: Int, base x: UnsafePointer<Float>, rows n: Int,
    dimension d: Int, blockRows: Int = 0,
    _ body: (Int, Int, Int, Int, UnsafePointer<Float>, Int) -> Void
  ) {
    innerProductTiles(
      queries: q, count: m, base: x, rows: n, dimension: d, blockRows: blockRows,
      backend: .current, body)
  }

  static func innerProductTiles(
    queries q: UnsafePointer<Float>, count m: Int, base x: UnsafePointer<Float>, rows n: Int,
    dimension d: Int, blockRows: Int, backend: KernelBackend,
    _ body: (Int, Int, Int, Int, UnsafePointer<Float>, Int) -> Void
  ) {
    guard m > 0, n > 0, d > 0 else { return }
    let block = blockRows > 0 ? (blockRows + 31) / 32 * 32 : innerProductBlockRows(dimension: d)
    let queryBlock = FloatGemm.rowBlock
    // panels: [block/32][d][32]; scores: [queryBlock × block]; packed: the queries, [⌈m/mr⌉][d][mr].
    let panels = PanelPacking.allocate(block * d)
    defer { PanelPacking.deallocate(panels) }
    let packed = FloatGemm.packRows(q, m: m, k: d, lda: d, backend: backend)
    defer { PanelPacking.deallocate(packed) }
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: min(m, queryBlock) * block)
    defer { scores.deallocate() }
    var r0 = 0
    while r0 < n {
      let rn = min(block, n - r0)
      PanelPacking.pack(panels, x + r0 * d, k: d, n: rn, columnStride: d, rowStride: 1)
      var q0 = 0
      while q0 < m {
        let qn = min(queryBlock, m - q0)
        FloatGemm.run(
          m: qn, n: rn, k: d, a: packed + q0 * d, lda: d, panels: panels, c: scores, ldc: block,
          alpha: 1, accumulate: false, bias: nil, gelu: false, threads: 1, backend: backend,
          aPacked: true)
        body(q0, qn, r0, rn, scores, block)
        q0 += qn
      }
      r0 += rn
    }
  }
}
