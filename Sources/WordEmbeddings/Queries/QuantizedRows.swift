import EmbeddingCore
import Foundation

/// Unit-length rows rounded to `Int16`, with what a rigorous error bound needs: the coarse
/// copy that the two-stage neighbour search screens with (see `TwoStageSearch`).
///
/// Row r is divided by its length (in `Double`), giving u = r/|r|, and stored as
/// a = round(s·u) with a per-row scale s chosen so that |aᵢ| ≤ 32767 and ‖a‖₂ ≤ 46,000.
/// Queries are quantized the same way (`QuantizedQuery`), so by Cauchy–Schwarz every partial
/// sum of a·b is below 46,000² < 2³¹: the `Int32` lanes of `pmaddwd` cannot overflow.
/// Rows are zero-padded to `stride`, a multiple of 8 (one `SIMD8<Int16>` per step).
///
/// Per row it keeps 1/s and e/s, where e = ‖a − s·u‖₂ is the rounding error actually made
/// (computed in `Double`, rounded up). Rows whose length is 0, not finite, below 1e-15 or
/// above 1e30 are marked `unbounded` (error +∞): they are always rescored exactly.
final class QuantizedRows: @unchecked Sendable {
  // Written once in `init`, read-only afterwards, so sharing across threads is safe.
  let rows: Int
  let dimension: Int
  /// Int16 elements per stored row (dimension rounded up to 8).
  let stride: Int
  let values: UnsafeMutablePointer<Int16>
  /// 1/s per row.
  let inverseScale: [Double]
  /// e/s per row (+∞ for rows that must always be rescored).
  let relativeError: [Double]

  /// The largest allowed ‖a‖₂: 46,000² = 2,116,000,000 < 2³¹ − 1.
  static let maxLength = 46_000.0

  /// Quantizes every row of `matrix`, in parallel.
  ///
  /// - Complexity: O(rows × dimension).
  /// Bytes the copy of an `rows × dimension` matrix takes (for the memory cap of the
  /// two-stage search).
  static func byteCount(rows: Int, dimension: Int) -> Int {
    rows * ((dimension + 7) / 8 * 8) * MemoryLayout<Int16>.stride
  }

  init(_ matrix: Matrix) {
    let rows = matrix.rows
    let d = matrix.columns
    let stride = (d + 7) / 8 * 8
    self.rows = rows
    dimension = d
    self.stride = stride
    values = UnsafeMutablePointer<Int16>.allocate(capacity: max(1, rows * stride))
    values.initialize(repeating: 0, count: max(1, rows * stride))
    var inverse = [Double](repeating: 0, count: rows)
    var error = [Double](repeating: .infinity, count: rows)
    let out = UnsafeSendable(values)
    inverse.withUnsafeMutableBufferPointer { inverseBuffer in
      error.withUnsafeMutableBufferPointer { errorBuffer in
        let inv = UnsafeSendable(inverseBuffer.baseAddress)
        let err = UnsafeSendable(errorBuffer.baseAddress)
        let pieces = min(rows / 1024, Parallelism.defaultThreads * 4)
        parallelChunks(rows, pieces: pieces) { _, range in
          guard let inv = inv.value, let err = err.value else { return }
          let o = out.value
          for r in range {
            let q = Self.quantize(matrix.rowPointer(r), d, into: o + r * stride, stride: stride)
            inv[r] = q.inverseScale
            err[r] = q.relativeError
          }
        }
      }
    }
    inverseScale = inverse
    relativeError = error
  }

  deinit { values.deallocate() }

  /// Rounds x/|x| to Int16 at `out` (zero-padded to `stride`); returns 1/s and e/s, or
  /// error +∞ (and zeros) when x cannot be bounded (zero, tiny, huge or non-finite).
  static func quantize(
    _ x: UnsafePointer<Float>, _ d: Int, into out: UnsafeMutablePointer<Int16>, stride: Int
  ) -> (inverseScale: Double, relativeError: Double, length: Double) {
    var sum = 0.0
    var largest = 0.0
    for i in 0..<d {
      let v = Double(x[i])
      sum += v * v
      largest = max(largest, abs(v))
    }
    let length = sum.squareRoot()
    out.initialize(repeating: 0, count: stride)
    guard length.isFinite, length >= 1e-15, length <= 1e30, largest > 0 else {
      return (0, .infinity, length)
    }
    // s·|uᵢ| ≤ 32767, and ‖a‖₂ ≤ s·‖u‖₂ + ‖a − s·u‖₂ ≤ s·(1 + 1e-12) + ½√stride ≤ 46,000.
    let scale = min(
      32767 / (largest / length),
      (maxLength - 0.5 * Double(stride).squareRoot() - 2) / (1 + 1e-12))
    var errorSquares = 0.0
    for i in 0..<d {
      let exact = scale * (Double(x[i]) / length)
      let rounded = exact.rounded()
      out[i] = Int16(max(-32767, min(32767, rounded)))
      let e = Double(out[i]) - exact
      errorSquares += e * e
    }
    // Rounded up: a relative 1e-9 covers every Double rounding in e, s and u.
    let error = (errorSquares.squareRoot() + 1e-9) * (1 + 1e-9)
    return (1 / scale, error / scale * (1 + 1e-9), length)
  }
}
