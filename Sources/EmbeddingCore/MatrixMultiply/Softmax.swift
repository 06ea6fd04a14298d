import CEmbeddingKernels

/// Row softmax and a vectorised exp for attention: the AVX2 + FMA C kernel where the CPU has it
/// (`ek_softmax_avx2`), else portable Swift `SIMD8` code with the same polynomial.
///
/// exp: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by a degree-6 polynomial (Cephes' expf), 2^n
/// from the exponent bits; about 2 ulp against Foundation's `exp` (checked in the tests), 0 below
/// −87.33, +∞ above 88.37.
///
/// ```swift
/// Softmax.rows(scores, rows: n, width: n, stride: n)   // scores: [n × n], each row sums to 1
/// ```
public enum Softmax {
  /// Softmax of each of `rows` rows of `width` floats in place, rows `stride` floats apart.
  ///
  /// x: [rows × stride]. The row maximum is subtracted first, so large scores do not overflow.
  /// - Complexity: O(rows × width).
  public static func rows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
    self.rows(x, rows: rows, width: width, stride: stride, backend: .current)
  }

  static func rows(
    _ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int, backend: KernelBackend
  ) {
    guard rows > 0, width > 0 else { return }
    if backend != .swift {
      ek_softmax_avx2(x, Int64(rows), Int64(width), Int64(stride))
      return
    }
    for r in 0..<rows {
      let row = x + r * stride
      var top = SIMD8<Float>(repeating: -.infinity)
      var j = 0
      while j + 8 <= width {
        top = pointwiseMax(top, load(row + j))
        j += 8
      }
      var m = top.max()
      while j < width {
        m = Swift.max(m, row[j])
        j += 1
      }
      var sum = SIMD8<Float>()
      var tailSum: Float = 0
      j = 0
      while j + 8 <= width {
        let e = exp(load(row + j) - m)
        store(e, row + j)
        sum += e
        j += 8
      }
      if j < width {
        var tail = SIMD8<Float>(repeating: -.infinity)
        for i in 0..<(width - j) { tail[i] = row[j + i] - m }
        let e = exp(tail)
        for i in 0..<(width - j) {
          row[j + i] = e[i]
          tailSum += e[i]
        }
      }
      let inverse = 1 / (sum.sum() + tailSum)
      for i in 0..<width { row[i] *= inverse }
    }
  }

  /// x[i] = exp(x[i]) for `n` floats, on the given backend (for the tests).
  static func exp(_ x: UnsafeMutablePointer<Float>, _ n: Int, backend: KernelBackend) {
    if backend != .swift {
      ek_exp_avx2(x, Int64(n))
      return
    }
    var i = 0
    while i + 8 <= n {
      store(exp(load(x + i)), x + i)
      i += 8
    }
    if i < n {
      var tail = SIMD8<Float>()
      for j in 0..<(n - i) { tail[j] = x[i + j] }
      tail = exp(tail)
      for j in 0..<(n - i) { x[i + j] = tail[j] }
    }
  }

  /// e^x lane by lane (Cephes' expf polynomial; no libm call at the default SSE2 target).
  @inline(__always)
  static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let hi = SIMD8<Float>(repeating: 88.3762626647949)
    let lo = SIMD8<Float>(repeating: -87.3365447505531)
    var xc = x.replacing(with: lo, where: .!(x .>= lo))
    xc.replace(with: hi, where: xc .> hi)
    // Round to nearest by the 1.5·2²³ trick: |x / ln 2| < 2²² here.
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let n = (xc * 1.44269504088896341 + magic) - magic
    var r = xc - n * 0.693359375
    r = r - n * -2.12194440e-4
    var p = SIMD8<Float>(repeating: 1.9875691500e-4)
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    p = p * (r * r) + (r + 1)
    let exponent = (SIMD8<Int32>(n) &+ 127) &<< 23
    var y = p * unsafeBitCast(exponent, to: SIMD8<Float>.self)
    y.replace(with: 0, where: .!(x .>= lo))
    y.replace(with: .infinity, where: x .> hi)
    return y
  }

  @inline(__always)
  private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always)
  private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
  }
}
