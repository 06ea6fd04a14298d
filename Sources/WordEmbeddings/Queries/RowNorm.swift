/// Row lengths and unit vectors with gensim's rounding (double-precision sums, float results).
enum RowNorm {
  /// √(Σ x²) summed in `Double`, rounded to `Float` (numpy's float32 `linalg.norm` agrees to ~1 ulp).
  @inline(__always)
  static func of(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var s = 0.0
    for i in 0..<n { s += Double(x[i]) * Double(x[i]) }
    return Float(s.squareRoot())
  }
}
