/// Streamed inner products of query rows with many base rows, in tiles that stay in cache, for exact
/// nearest-neighbour search: the caller consumes each tile (a fused top-k) while it is still in L1, so
/// the full score matrix is never written to memory.
///
/// ```swift
/// MatrixMultiply.innerProductTiles(queries: q, count: m, base: x, rows: n, dimension: d) {
///   firstQuery, queryCount, firstRow, rowCount, scores, stride in
///   // scores[i · stride + j] = q[firstQuery + i] · x[firstRow + j]
/// }
/// ```
extension MatrixMultiply {
  /// Bytes of packed base rows per block: the block is re-read from L2 once per query tile, so it
  /// should stay well inside L2 (512 KiB–1 MiB per core on current x86 servers).
  public static let innerProductBlockBytes = 384 * 1024

  /// Base rows per block for `dimension`-float rows: `innerProductBlockBytes` worth, a multiple of
  /// 32 (one packed panel), between 32 and 2048.
  public static func innerProductBlockRows(dimension d: Int) -> Int {
    let rows = innerProductBlockBytes / max(1, 4 * d)
    return min(2048, max(32, rows / 32 * 32))
  }

  /// Calls `body` with every tile of S = Q · Xᵀ (one thread), base blocks in order, queries in order
  /// within a block.
  ///
  /// ```
  /// queries: [m × d]; base: [n × d] → per base block of B rows (packed once, B × d floats in L2):
  ///   per tile of ≤ 6 queries (the micro-kernel's height): scores [queryCount × B], row stride B
  /// ```
  /// The micro-kernels are `MatrixMultiply`'s (AVX2 + FMA, AVX-512 or portable), with the same
  /// k-blocking as `gemm`, so a score equals the one `gemm` computes for that pair.
  /// - Parameters:
  ///   - blockRows: base rows per block (0: `innerProductBlockRows(dimension:)`; rounded up to 32).
  ///   - body: (firstQuery, queryCount, firstRow, rowCount, scores, stride); `scores` is valid only
  ///     during the call.
  /// - Complexity: O(m · n · d) time, O(B · d) memory.
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
    let mr = FloatGemm.tileRows(backend)
    let kBlock = FloatGemm.kBlock
    let kBlocks = (d + kBlock - 1) / kBlock
    // panels: [block/32][d][32]; scores: [mr × block].
    let panels = UnsafeMutablePointer<Float>.allocate(capacity: block * d)
    defer { panels.deallocate() }
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: mr * block)
    defer { scores.deallocate() }
    var r0 = 0
    while r0 < n {
      let rn = min(block, n - r0)
      let np = (rn + 31) / 32
      PanelPacking.pack(panels, x + r0 * d, k: d, n: rn, columnStride: d, rowStride: 1)
      var q0 = 0
      while q0 < m {
        let qn = min(mr, m - q0)
        let a = q + q0 * d
        for jp in 0..<np {
          let nr = min(32, rn - jp * 32)
          let panel = panels + jp * d * 32
          for kb in 0..<kBlocks {
            let p0 = kb * kBlock
            FloatGemm.tile(
              backend, mr: qn, nr: nr, kc: min(kBlock, d - p0), a: a + p0, lda: d,
              p: panel + p0 * 32, c: scores + jp * 32, ldc: block, alpha: 1, accumulate: kb > 0,
              bias: nil, gelu: false)
          }
        }
        body(q0, qn, r0, rn, scores, block)
        q0 += qn
      }
      r0 += rn
    }
  }
}
