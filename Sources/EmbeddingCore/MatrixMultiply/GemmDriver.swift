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
  /// k values per block: a 32-column panel slice of 256 × 32 floats (32 KiB) stays in L1/L2.
  static let kBlock = 256
  /// Rows per work item (a multiple of every kernel's tile height).
  static let rowBlock = 96
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
  /// Work items are (row block, panel group) pairs; every C element is reduced over k in the same
  /// order whatever the thread count, so results do not depend on it.
  static func run(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, panels: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, accumulate: Bool,
    bias: UnsafePointer<Float>?, gelu: Bool, threads: Int, backend: KernelBackend
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
            tile(
              backend, mr: h, nr: nr, kc: kc, a: ap.value + (i0 + r) * lda + p0, lda: lda,
              p: panel + p0 * 32, c: cp.value + (i0 + r) * ldc + jp * 32, ldc: ldc, alpha: alpha,
              accumulate: accumulate || kb > 0, bias: tileBias, gelu: gelu && last)
            r += h
          }
        }
      }
    }
  }

  /// One micro-kernel call on the chosen backend.
  @inline(__always)
  static func tile(
    _ backend: KernelBackend, mr: Int, nr: Int, kc: Int, a: UnsafePointer<Float>, lda: Int,
    p: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float,
    accumulate: Bool, bias: UnsafePointer<Float>?, gelu: Bool
  ) {
    switch backend {
    case .swift:
      SwiftKernels.sgemm(
        mr: mr, nr: nr, kc: kc, a: a, lda: lda, p: p, c: c, ldc: ldc, alpha: alpha,
        accumulate: accumulate, bias: bias, gelu: gelu)
    case .avx2:
      ek_sgemm_avx2(
        Int64(mr), Int64(nr), Int64(kc), a, Int64(lda), p, c, Int64(ldc), alpha,
        accumulate ? 1 : 0, bias, gelu ? 1 : 0)
    case .avx512:
      ek_sgemm_avx512(
        Int64(mr), Int64(nr), Int64(kc), a, Int64(lda), p, c, Int64(ldc), alpha,
        accumulate ? 1 : 0, bias, gelu ? 1 : 0)
    }
  }
}
