import EmbeddingCore

/// Checks shared by the projections: shape and finite values.
enum InputCheck {
  /// Throws `invalidArgument` naming the first row that holds a NaN or an infinity.
  ///
  /// - Complexity: O(rows × columns).
  static func requireFinite(_ points: Matrix) throws(EmbeddingError) {
    let n = points.columns
    for r in 0..<points.rows {
      let row = points.rowPointer(r)
      // x − x is 0 for a finite x and NaN for NaN or ±infinity: one SIMD pass per row, and the
      // scalar search only for a row that has one.
      var acc = SIMD8<Float>()
      var c = 0
      while c + 8 <= n {
        let v = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD8<Float>.self)
        acc += v - v
        c += 8
      }
      var tail: Float = 0
      while c < n {
        tail += row[c] - row[c]
        c += 1
      }
      guard (acc.sum() + tail).isNaN else { continue }
      for c in 0..<n where !row[c].isFinite {
        throw .invalidArgument(
          "row \(r) holds a non-finite value (\(row[c])) in column \(c); "
            + "remove that vector or fix the file it came from")
      }
    }
  }
}
