import CEmbeddingKernels

/// CPU features the dispatch checks, read once.
enum CPUFeatures {
  /// AVX2 and FMA.
  static let avx2 = ek_cpu_has_avx2() != 0
  /// AVX-512 F, BW, VL and VNNI.
  static let avx512 = ek_cpu_has_avx512() != 0
}

/// Blocking and threading around the float micro-kernels (everything but the innermost loops).
enum FloatGemm {
  /// k values per block: a panel slice of 128 × 32 floats (16 KiB) stays in L1 while a row block
  /// streams past it (tuned on Zen 3 with AVX2; 96–384 and 48–768 rows measured).
  static let kBlock = 128
  /// Rows per work item (a multiple of every kernel's tile height: 6 for AVX2, 12 for AVX-512).
  static let rowBlock = 192
  /// 32-column panels per work item.
  static let panelsPerItem = 4

  /// Rows per micro-kernel call for a backend.
  static func tileRows(_ backend: KernelBackend) -> Int {
    switch backend {
    case .swift: 4
    case .avx2: Int(EK_SGEMM_AVX2_MR)
    case .avx512: Int(EK_SGEMM_AVX512_MR)
    }
  }

  /// C[m × n] = (accumulate ? C : 0) + alpha · A[m × k] · B, + bias, GELU; B packed as [⌈n/32⌉][k][32].
  ///
  /// A is row-major with rows `lda` apart, or, when `aPacked`, from `packRows` (`lda` unused).
  /// Work items are (row block, panel group) pairs; every C element is reduced over k in the same
  /// order whatever the thread count, so results do not depend on it, nor on A's layout.
  static func run(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, panels: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, accumulate: Bool,
    bias: UnsafePointer<Float>?, gelu: Bool, threads: Int, backend: KernelBackend,
    aPacked: Bool = false
  ) {
    guard m > 0, n > 0 else { return }
    let np = (n + 31) / 32
    let rowBlocks = (m + rowBlock - 1) / rowBlock
    let groups = (np + panelsPerItem - 1) / panelsPerItem
    let kBlocks = max(1, (k + kBlock - 1) / kBlock)
    let mr = tileRows(backend)
    let ap = UnsafeSendable(a)
    let pp = UnsafeSendable(panels)
    let cp = UnsafeSendable(c)
    let bp = UnsafeSendable(bias)
    parallelFor(rowBlocks * groups, threads: threads) { item in
      let i0 = (item / groups) * rowBlock
      let rows = min(rowBlock, m - i0)
      let firstPanel = (item % groups) * panelsPerItem
      for jp in firstPanel..<min(np, firstPanel + panelsPerItem) {
        let nr = min(32, n - jp * 32)
        let panel = pp.value + jp * k * 32
        for kb in 0..<kBlocks {
          let p0 = kb * kBlock
          let kc = min(kBlock, k - p0)
          let last = kb == kBlocks - 1
          let tileBias = last ? bp.value.map { $0 + jp * 32 } : nil
          var r = 0
          while r < rows {
            let h = min(mr, rows - r)
            // Packed: tiles of mr rows are k·mr floats apart, A[r][k] at tile[k·mr + r].
            let tileA =
              aPacked ? ap.value + (i0 + r) * k + p0 * mr : ap.value + (i0 + r) * lda + p0
            tile(
              backend, mr: h, nr: nr, kc: kc, a: tileA, lda: lda, packed: aPacked,
              p: panel + p0 * 32, c: cp.value + (i0 + r) * ldc + jp * 32, ldc: ldc, alpha: alpha,
              accumulate: accumulate || kb > 0, bias: tileBias, gelu: gelu && last)
            r += h
          }
        }
      }
    }
  }

  /// A[m × k] (rows `lda` apart) packed as [⌈m/mr⌉][k][mr], zero padded, in memory from
  /// `PanelPacking.allocate` (free it with `PanelPacking.deallocate`). Each micro-kernel call then
  /// reads its tile's k-th column as mr adjacent floats at constant offsets, instead of mr rows `lda`
  /// apart (one stream for the prefetcher, no address arithmetic per row; about 10–16% more
  /// queries/s in the exact search at 1M rows, BENCHMARKS.md). Worth it when A is reused across many
  /// panels, as the queries of `innerProductTiles` are.
  static func packRows(
    _ a: UnsafePointer<Float>, m: Int, k: Int, lda: Int, backend: KernelBackend
  ) -> UnsafeMutablePointer<Float> {
    let mr = tileRows(backend)
    let tiles = (m + mr - 1) / mr
    let dst = PanelPacking.allocate(tiles * mr * k)
    for t in 0..<tiles {
      let out = dst + t * k * mr
      let rows = min(mr, m - t * mr)
      if rows < mr { out.initialize(repeating: 0, count: k * mr) }
      for r in 0..<rows {
        let src = a + (t * mr + r) * lda
        for j in 0..<k { out[j * mr + r] = src[j] }
      }
    }
    return dst
  }

  /// One micro-kernel call on the chosen backend.
  @inline(__always)
  static func tile(
    _ backend: KernelBackend, mr: Int, nr: Int, kc: Int, a: UnsafePointer<Float>, lda: Int,
    packed: Bool, p: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float,
    accumulate: Bool, bias: UnsafePointer<Float>?, gelu: Bool
  ) {
    switch backend {
    case .swift:
      SwiftKernels.sgemm(
        mr: mr, nr: nr, kc: kc, a: a, lda: lda, packed: packed, p: p, c: c, ldc: ldc, alpha: alpha,
        accumulate: accumulate, bias: bias, gelu: gelu)
    case .avx2:
      ek_sgemm_avx2(
        Int64(mr), Int64(nr), Int64(kc), a, Int64(lda), packed ? 1 : 0, p, c, Int64(ldc), alpha,
        accumulate ? 1 : 0, bias, gelu ? 1 : 0)
    case .avx512:
      ek_sgemm_avx512(
        Int64(mr), Int64(nr), Int64(kc), a, Int64(lda), packed ? 1 : 0, p, c, Int64(ldc), alpha,
        accumulate ? 1 : 0, bias, gelu ? 1 : 0)
    }
  }
}
