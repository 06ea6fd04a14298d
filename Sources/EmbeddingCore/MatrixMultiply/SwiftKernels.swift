/// The portable micro-kernels (Swift `SIMD8`, `acc += x * y`), with the same contracts as the C ones.
enum SwiftKernels {
  /// C[mr × nr] (= or +=) alpha · A[mr × kc] · P[kc × 32][:, :nr], + bias, GELU; one row at a time.
  ///
  /// a: rows `lda` apart; p: [kc][32]; c: rows `ldc` apart; bias: 32 floats or nil.
  static func sgemm(
    mr: Int, nr: Int, kc: Int, a: UnsafePointer<Float>, lda: Int, p: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, accumulate: Bool,
    bias: UnsafePointer<Float>?, gelu: Bool
  ) {
    let raw = UnsafeRawPointer(p)
    for r in 0..<mr {
      let ar = a + r * lda
      var acc0 = SIMD8<Float>()
      var acc1 = SIMD8<Float>()
      var acc2 = SIMD8<Float>()
      var acc3 = SIMD8<Float>()
      for k in 0..<kc {
        let x = SIMD8<Float>(repeating: ar[k])
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
    let raw = UnsafeRawPointer(p)
    for r in 0..<mr {
      let ar = UnsafeRawPointer(a + r * lda)
      let cr = c + r * ldc
      for v in 0..<4 where v * 8 < nr {
        // Lane 4c + i accumulates a[4q + i]·w[column c][4q + i]; the four lanes of a column sum last.
        var acc = SIMD32<Int32>()
        for q in 0..<kq {
          let quad = SIMD4<Int16>(
            truncatingIfNeeded: ar.loadUnaligned(fromByteOffset: q * 4, as: SIMD4<Int8>.self))
          let x8 = SIMD8<Int16>(lowHalf: quad, highHalf: quad)
          let x16 = SIMD16<Int16>(lowHalf: x8, highHalf: x8)
          let x = SIMD32<Int16>(lowHalf: x16, highHalf: x16)
          let w = SIMD32<Int16>(
            truncatingIfNeeded: raw.loadUnaligned(
              fromByteOffset: q * 128 + v * 32, as: SIMD32<Int8>.self))
          acc &+= SIMD32<Int32>(truncatingIfNeeded: x &* w)
        }
        let valid = min(8, nr - v * 8)
        for j in 0..<valid {
          let col = v * 8 + j
          var d = acc[4 * j] &+ acc[4 * j + 1] &+ acc[4 * j + 2] &+ acc[4 * j + 3]
          d &+= (128 - zero[r]) &* colSum[col]
          cr[col] = Float(d) * rowScale[r] * colScale[col] + bias[col]
        }
        if gelu { VectorErf.gelu(cr + v * 8, valid) }
      }
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
