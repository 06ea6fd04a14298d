import EmbeddingCore

/// Checks shared by the projections: shape and finite values.
enum InputCheck {
  /// Throws `invalidArgument` naming the first row that holds a NaN or an infinity.
  ///
  /// - Complexity: O(rows × columns).
  static func requireFinite(_ points: Matrix) throws(EmbeddingError) {
    for r in 0..<points.rows {
      let row = points.rowPointer(r)
      for c in 0..<points.columns where !row[c].isFinite {
        throw .invalidArgument(
          "row \(r) holds a non-finite value (\(row[c])) in column \(c); "
            + "remove that vector or fix the file it came from")
      }
    }
  }
}
