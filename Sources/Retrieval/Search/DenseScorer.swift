import EmbeddingCore
import Foundation

/// Exact dense search: the cosine of the query with every chunk vector, the best chunk per document.
enum DenseScorer {
  /// For each document index, the best chunk score and that chunk's ordinal (−∞ / −1 when it has no
  /// vector or is filtered out).
  ///
  /// ```
  /// query: [dimension] unit vector; vectors: [V × dimension] unit rows → scores [V] → max per document
  /// ```
  /// - Complexity: O(V · dimension).
  static func documentScores(
    query: [Float], snapshot: IndexSnapshot, allowed: Set<Int32>?, rescore: Int = 100,
    threads: Int = 2
  ) -> (scores: [Float], chunk: [Int32]) {
    guard let vectors = snapshot.vectors else { return ([], []) }
    let rows = vectors.rows
    let d = vectors.columns
    let rowScores = SharedBuffer<Float>(count: rows, value: -.infinity)
    query.withUnsafeBufferPointer { q in
      guard let qp = q.baseAddress else { return }
      if let codes = snapshot.codes {
        BinaryScorer.scores(
          qp, codes: codes, vectors: vectors, rescore: rescore, into: rowScores.base
        ) { allowed?.contains(snapshot.vectorDoc[$0]) ?? true }
        return
      }
      let qs = UnsafeSendable(qp)
      let block = 4096
      let blocks = (rows + block - 1) / block
      parallelFor(blocks, threads: rows >= 65_536 ? threads : 1) { bi in
        let lo = bi * block
        let hi = min(rows, lo + block)
        DistanceKernels.dotRows(
          qs.value, rows: vectors.rowPointer(lo), dimension: d, count: hi - lo,
          into: rowScores.base + lo)
      }
    }
    var best = [Float](repeating: -.infinity, count: snapshot.documentCount)
    var chunk = [Int32](repeating: -1, count: snapshot.documentCount)
    for r in 0..<rows {
      let doc = Int(snapshot.vectorDoc[r])
      if let allowed, !allowed.contains(Int32(doc)) { continue }
      let s = rowScores.base[r]
      if s > best[doc] {
        best[doc] = s
        chunk[doc] = snapshot.vectorOrdinal[r]
      }
    }
    return (best, chunk)
  }
}

extension DenseScorer {
  /// Approximate dense search through the HNSW graph: the best chunks (3 per wanted document),
  /// then the best chunk per document; returns the ranked documents and a chunk-per-document array.
  static func approximate(
    query: [Float], snapshot: IndexSnapshot, graph: HNSWGraph, documents n: Int, ef: Int
  ) -> ([(Int32, Double)], [Int32]) {
    let wanted = min(graph.count, n * 3)
    let found = query.withUnsafeBufferPointer { q -> [(node: Int32, score: Float)] in
      guard let base = q.baseAddress else { return [] }
      snapshot.graphLock.lock()
      defer { snapshot.graphLock.unlock() }
      return graph.search(base, k: wanted, ef: max(ef, wanted))
    }
    var chunk = [Int32](repeating: -1, count: snapshot.documentCount)
    var best: [Int32: Double] = [:]
    for hit in found {
      let doc = snapshot.vectorDoc[Int(hit.node)]
      if best[doc] == nil {
        best[doc] = Double(hit.score)
        chunk[Int(doc)] = snapshot.vectorOrdinal[Int(hit.node)]
      }
    }
    return (TopK.select(best.map { ($0.key, $0.value) }, k: n), chunk)
  }
}
