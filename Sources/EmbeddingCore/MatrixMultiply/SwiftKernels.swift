/// The portable micro-kernels (Swift `SIMD8`, `acc += x * y`), with the same contracts as the C ones.
enum SwiftKernels {
  /// C[mr × nr] (= or +=) alpha · A[mr × kc] · P[kc × 32][:, :nr], + bias, GELU; one row at a time.
  ///
  /// a: A[r][k] at a[r·lda + k], or, when `packed`, at a[k·4 + r] (a tile of `FloatGemm.packRows`);
  /// p: [kc][32]; c: rows `ldc` apart; bias: 32 floats or nil.
  static func sgemm(
    mr: Int, nr: Int, kc: Int, a: UnsafePointer<Float>, lda: Int, packed: Bool,
    p: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, accumulate: Bool,
    bias: UnsafePointer<Float>?, gelu: Bool
  ) {
    let raw = UnsafeRawPointer(p)
    let ka = packed ? FloatGemm.tileRows(.swift) : 1  // the step along k
    for r in 0..<mr {
      let ar = packed ? a + r : a + r * lda
      var acc0 = SIMD8<Float>()
      var acc1 = SIMD8<Float>()
      var acc2 = SIMD8<Float>()
      var acc3 = SIMD8<Float>()
      for k in 0..<kc {
        let x = SIMD8<Float>(repeating: ar[k * ka])
        let row = raw + k * 128
        acc0 += x * row.loadUnaligned(as: SIMD8<Float>.self)
        acc1 += x * row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
        acc2 += x * row.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self)
        acc3 += x * row.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self)
      }
      let cr = c + r * ldc
      for (v, acc) in [acc0, acc1, acc2, acc3].enumerated() where v * 8 < nr {
        var y = alpha == 1 ? acc : acc * alpha
        let valid = min(8, nr - v * 8)
        if accumulate { y += load(cr + v * 8, valid) }
        if let bias { y += load(bias + v * 8, valid) }
        if gelu { y = VectorErf.gelu(y) }
        for j in 0..<valid { cr[v * 8 + j] = y[j] }
      }
    }
  }

  /// The int8 tile: C[mr × nr] from A ((u − 128) as int8, rows `lda` apart) and P ([kq][32][4] int8).
  ///
  /// Same contract as `ek_qgemm_avx2`: D = Σ (u − 128)·w + (128 − zero)·Σw, exact in Int32.
  static func qgemm(
    mr: Int, nr: Int, kq: Int, a: UnsafePointer<Int8>, lda: Int, p: UnsafePointer<Int8>,
    c: UnsafeMutablePointer<Float>, ldc: Int, rowScale: UnsafePointer<Float>,
    zero: UnsafePointer<Int32>, colScale: UnsafePointer<Float>, colSum: UnsafePointer<Int32>,
    bias: UnsafePointer<Float>, gelu: Bool
  ) {
    for r in 0..<mr {
      let ar = a + r * lda
      let cr = c + r * ldc
      for col in 0..<nr {
        // Column col of the panel: quad q holds w[4q ..< 4q + 4] at q·128 + 4·col.
        let w = p + col * 4
        var d: Int32 = 0
        for q in 0..<kq {
          let x = ar + q * 4
          let wq = w + q * 128
          d &+= Int32(x[0]) &* Int32(wq[0]) &+ Int32(x[1]) &* Int32(wq[1])
          d &+= Int32(x[2]) &* Int32(wq[2]) &+ Int32(x[3]) &* Int32(wq[3])
        }
        d &+= (128 - zero[r]) &* colSum[col]
        cr[col] = Float(d) * rowScale[r] * colScale[col] + bias[col]
      }
      if gelu { VectorErf.gelu(cr, nr) }
    }
  }

  @inline(__always)
  private static func load(_ p: UnsafePointer<Float>, _ valid: Int) -> SIMD8<Float> {
    if valid == 8 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    var v = SIMD8<Float>()
    for j in 0..<valid { v[j] = p[j] }
    return v
  }
}
