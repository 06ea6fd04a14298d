import EmbeddingCore
import Foundation

extension VectorPrecision {
  /// Recall@k of search over vectors stored at this precision against exact float32 search, as
  /// an index would do it: int8 calibrated on the first `calibrationRows` rows, binary ranked by
  /// Hamming distance with the best `rescore` re-scored (0: none). For benchmarks.
  ///
  /// ```
  /// base: [n × d] unit rows; queries: [m × d] unit rows → mean |top-k ∩ exact top-k| / k
  /// ```
  /// - Complexity: O(m · n · d).
  public func recall(
    base: Matrix, queries: Matrix, k: Int = 10, rescore: Int = 0,
    calibrationRows: Int = 1000
  ) -> Double {
    let d = base.columns
    let codec: VectorCodec
    if self == .int8 {
      let rows = min(base.rows, max(1, calibrationRows))
      let sample = Matrix(rows: rows, columns: d)
      sample.baseAddress.update(from: base.baseAddress, count: rows * d)
      codec = VectorCodec.calibratedInt8(sample)
    } else {
      codec = VectorCodec(precision: self)
    }
    let decoded = Matrix(rows: base.rows, columns: d)
    let words = (d + 63) / 64
    var codes = [UInt64](repeating: 0, count: self == .binary ? base.rows * words : 0)
    for r in 0..<base.rows {
      let blob = codec.encode(base.rowPointer(r), count: d)
      _ = codec.decode(blob, into: decoded.rowPointer(r), count: d)
      if self == .binary {
        codes.withUnsafeMutableBufferPointer { c in
          if let p = c.baseAddress {
            _ = codec.bits(blob, count: d, into: p + r * words)
          }
        }
      }
    }
    let truth = ExactSearch.search(queries: queries, base: base, k: k)
    var hits = 0
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: base.rows)
    defer { scores.deallocate() }
    for i in 0..<queries.rows {
      let q = UnsafePointer(queries.rowPointer(i))
      let found: [Int32]
      if self == .binary {
        BinaryScorer.scores(q, codes: codes, vectors: decoded, rescore: rescore, into: scores) {
          _ in true
        }
        found = TopK.select((0..<base.rows).lazy.map { (Int32($0), Double(scores[$0])) }, k: k)
          .map(\.0)
      } else {
        found = ExactSearch.search(q, base: decoded, k: k).map(\.node)
      }
      let want = Set(truth[i].map(\.node))
      hits += found.filter { want.contains($0) }.count
    }
    return Double(hits) / Double(max(1, queries.rows * k))
  }
}
