/// How an index stores chunk vectors: the file size against recall trade.
///
/// Measured on all-MiniLM-L6-v2 SciFact vectors (recall@10 against float32, BENCHMARKS.md): float16
/// loses nothing, int8 calibrated per dimension little, binary much unless the best candidates are
/// re-scored (`SearchParameters.rescore`).
///
/// ```swift
/// try index.setPrecision(.int8)   // before the first vectors are added
/// ```
public enum VectorPrecision: String, Sendable, Codable, CaseIterable {
  /// 4 bytes per dimension, exact.
  case float32
  /// 2 bytes per dimension (IEEE half).
  case float16
  /// 1 byte per dimension: per-dimension offset and scale calibrated on the first batch of vectors;
  /// queries stay float (the offset is applied on the document side only).
  case int8
  /// 1 bit per dimension (the sign) for a Hamming-distance scan, plus a float16 copy on disk with
  /// which the best `rescore` candidates are re-scored.
  case binary

  /// Bytes of one stored vector of `dimension` values.
  public func bytes(dimension: Int) -> Int {
    switch self {
    case .float32: dimension * 4
    case .float16: dimension * 2
    case .int8: dimension
    case .binary: (dimension + 63) / 64 * 8 + dimension * 2
    }
  }
}
