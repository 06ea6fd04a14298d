import EmbeddingCore
import Foundation

/// Dense scores for binary-precision vectors: Hamming distance on sign bits, then float re-scoring.
enum BinaryScorer {
  /// Binary precision: Hamming distance of the query's sign bits to every code (as the score
  /// 1 − 2·h/d), then the best `rescore` chunks re-scored with the float query against their
  /// stored float16 values, `vectors` (rows not re-scored are moved below every re-scored one).
  ///
  /// ```
  /// q: [d]; codes: [rows × ⌈d/64⌉] UInt64; vectors: [rows × d]; out: [rows]
  /// ```
  static func scores(
    _ q: UnsafePointer<Float>, codes: [UInt64], vectors: Matrix, rescore: Int,
    into out: UnsafeMutablePointer<Float>, keep: (Int) -> Bool
  ) {
    let d = vectors.columns
    let words = (d + 63) / 64
    var qBits = [UInt64](repeating: 0, count: words)
    qBits.withUnsafeMutableBufferPointer { b in
      if let base = b.baseAddress { VectorCodec.signBits(q, count: d, into: base) }
    }
    var hamming = [Int32](repeating: Int32.max, count: vectors.rows)
    codes.withUnsafeBufferPointer { c in
      qBits.withUnsafeBufferPointer { qb in
        guard let cb = c.baseAddress, let qp = qb.baseAddress else { return }
        for r in 0..<vectors.rows {
          if !keep(r) { continue }
          let h = DistanceKernels.hamming(qp, cb + r * words, words: words)
          hamming[r] = Int32(h)
          out[r] = 1 - 2 * Float(h) / Float(d)
        }
      }
    }
    guard rescore > 0 else { return }
    let best = TopK.select(
      hamming.indices.lazy.filter { hamming[$0] != Int32.max }.map {
        (Int32($0), -Double(hamming[$0]))
      }, k: rescore)
    for r in 0..<vectors.rows where hamming[r] != Int32.max { out[r] -= 3 }
    for (r, _) in best { out[Int(r)] = DistanceKernels.dot(q, vectors.rowPointer(Int(r)), d) }
  }
}
