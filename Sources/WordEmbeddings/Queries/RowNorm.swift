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

/// A pointer handed to parallel workers that write disjoint elements.
struct SendablePointer<T>: @unchecked Sendable {
  // Each worker writes only its own index range, so there are no overlapping writes.
  let pointer: UnsafeMutablePointer<T>?
  init(_ pointer: UnsafeMutablePointer<T>?) { self.pointer = pointer }
}
