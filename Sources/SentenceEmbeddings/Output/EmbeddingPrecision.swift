import EmbeddingCore
import Foundation

/// The element type of stored embeddings, as sentence-transformers' `quantize_embeddings`.
///
/// - `float32`, `float16`: the values (float16 rounds to nearest even).
/// - `int8` / `uint8`: per-dimension scalar quantisation. With ranges `min[j]`, `max[j]` (by
///   default the minimum and maximum of column `j` over the rows being quantised, like
///   sentence-transformers without `calibration_embeddings`; pass `ranges` computed on a
///   representative sample for stable buckets), `step = (max − min) / 255` (1 where zero),
///   `q = clamp(floor((x − min) / step), 0, 255)`, minus 128 for `int8`.
/// - `ubinary`: one bit per dimension, `x > 0`, packed 8 per byte, most significant bit first
///   (`numpy.packbits`); `binary`: the same bytes minus 128 as `Int8`.
public enum EmbeddingPrecision: String, Sendable, CaseIterable {
  case float32, float16, int8, uint8, binary, ubinary

  /// Bytes of one row of `dimension` values.
  public func rowBytes(dimension: Int) -> Int {
    switch self {
    case .float32: dimension * 4
    case .float16: dimension * 2
    case .int8, .uint8: dimension
    case .binary, .ubinary: (dimension + 7) / 8
    }
  }

  /// Per-column (min, max) of `matrix`: the default int8/uint8 ranges.
  ///
  /// - Complexity: O(rows × columns).
  public static func ranges(of matrix: Matrix) -> (min: [Float], max: [Float]) {
    var low = [Float](repeating: .infinity, count: matrix.columns)
    var high = [Float](repeating: -.infinity, count: matrix.columns)
    for r in 0..<matrix.rows {
      let row = matrix.rowPointer(r)
      for j in 0..<matrix.columns {
        low[j] = Swift.min(low[j], row[j])
        high[j] = Swift.max(high[j], row[j])
      }
    }
    return (low, high)
  }

  /// The integer codes of `matrix` for the integer precisions (int8, uint8, binary, ubinary),
  /// row-major, `rowBytes(dimension:)` values per row; nil for the float precisions.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` when int8/uint8 ranges must come from a single
  ///   row (sentence-transformers refuses too) or `ranges` has the wrong length.
  public func quantize(_ matrix: Matrix, ranges: (min: [Float], max: [Float])? = nil) throws
    -> [Int]?
  {
    let n = matrix.columns
    switch self {
    case .float32, .float16:
      return nil
    case .int8, .uint8:
      if ranges == nil && matrix.rows < 2 {
        throw EmbeddingError.invalidArgument(
          "\(rawValue) quantisation needs ranges from several embeddings; encode at least two "
            + "texts or pass calibration ranges")
      }
      let (low, high) = ranges ?? Self.ranges(of: matrix)
      guard low.count == n, high.count == n else {
        throw EmbeddingError.invalidArgument("ranges must hold \(n) minima and \(n) maxima")
      }
      let shift = self == .int8 ? 128 : 0
      var out: [Int] = []
      out.reserveCapacity(matrix.count)
      for r in 0..<matrix.rows {
        let row = matrix.rowPointer(r)
        for j in 0..<n {
          var step = (high[j] - low[j]) / 255
          if step == 0 { step = 1 }
          let q = ((row[j] - low[j]) / step).rounded(.down)
          out.append(Int(Swift.min(Swift.max(q, 0), 255)) - shift)
        }
      }
      return out
    case .binary, .ubinary:
      let bytes = (n + 7) / 8
      let shift = self == .binary ? 128 : 0
      var out: [Int] = []
      out.reserveCapacity(matrix.rows * bytes)
      for r in 0..<matrix.rows {
        let row = matrix.rowPointer(r)
        for b in 0..<bytes {
          var byte = 0
          for bit in 0..<8 where b * 8 + bit < n && row[b * 8 + bit] > 0 { byte |= 0x80 >> bit }
          out.append(byte - shift)
        }
      }
      return out
    }
  }
}
