/// Vectorised erf and exact GELU on `SIMD8<Float>` for the portable kernels (the C kernels carry the same
/// polynomials in gelu_avx.h).
///
/// erf: |x| < 1: x·P(x²) (degree 6 in x²); 1 ≤ |x| < 4: Q(|x| − 2.5) (degree 12); beyond, ±1. Least-squares
/// fits, max relative error about 2e-7 in float arithmetic (checked against Foundation's erf in the tests).
enum VectorErf {
  /// erf(x) lane by lane.
  @inline(__always)
  static func erf(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let ax = x.replacing(with: -x, where: x .< 0)
    let x2 = x * x
    var ps = SIMD8<Float>(repeating: 7.971187733346596e-05)
    ps = ps * x2 + -0.0008043411071412265
    ps = ps * x2 + 0.0051918369717895985
    ps = ps * x2 + -0.026855511590838432
    ps = ps * x2 + 0.11283621937036514
    ps = ps * x2 + -0.3761262893676758
    ps = ps * x2 + 1.1283791065216064
    ps = ps * ax
    let u = ax.replacing(with: 4, where: ax .> 4) - 2.5
    var pl = SIMD8<Float>(repeating: -8.969383088697214e-06)
    pl = pl * u + 2.1274612663546577e-05
    pl = pl * u + 6.10543429502286e-05
    pl = pl * u + -0.00028011470567435026
    pl = pl * u + 0.0002881439577322453
    pl = pl * u + 0.0005726289818994701
    pl = pl * u + -0.0028196137864142656
    pl = pl * u + 0.006101441569626331
    pl = pl * u + -0.008614768274128437
    pl = pl * u + 0.00835381168872118
    pl = pl * u + -0.005446725524961948
    pl = pl * u + 0.002178030554205179
    pl = pl * u + 0.9995930790901184
    pl.replace(with: 1, where: pl .> 1)
    var r = ps.replacing(with: pl, where: ax .>= 1)
    r.replace(with: 1, where: ax .>= 4)
    return r.replacing(with: -r, where: x .< 0)
  }

  /// GELU(x) = 0.5·x·(1 + erf(x/√2)) lane by lane.
  @inline(__always)
  static func gelu(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let h = x * 0.5
    return h * erf(x * 0.70710678118654752) + h
  }

  /// x[i] = GELU(x[i]) for `n` floats.
  static func gelu(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    while i + 8 <= n {
      let raw = UnsafeMutableRawPointer(x + i)
      raw.storeBytes(of: gelu(raw.loadUnaligned(as: SIMD8<Float>.self)), as: SIMD8<Float>.self)
      i += 8
    }
    if i < n {
      var tail = SIMD8<Float>()
      for j in 0..<(n - i) { tail[j] = x[i + j] }
      tail = gelu(tail)
      for j in 0..<(n - i) { x[i + j] = tail[j] }
    }
  }
}
