import EmbeddingCore
import Foundation
import GRDB

/// Okapi BM25 computed from the FTS5 index: document frequencies from `fts5vocab` 'row', term
/// frequencies from `fts5vocab` 'instance', lengths from the snapshot.
///
/// score(d) = Σ over query terms t (repeats count) of idf(t) · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)),
/// idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)) (Lucene's, never negative).
enum BM25Scorer {
  /// Scores of every document holding a query term, as (document index, score).
  /// - Complexity: O(Σ postings of the query terms).
  static func scores(
    _ db: Database, terms: [String], snapshot: IndexSnapshot, parameters: BM25Parameters
  ) throws -> [Int32: Double] {
    var counts: [String: Int] = [:]
    for t in terms { counts[t, default: 0] += 1 }
    let n = Double(snapshot.documentCount)
    let k1 = parameters.k1
    let b = parameters.b
    let avgdl = snapshot.averageLength
    var scores: [Int32: Double] = [:]
    for (term, repeats) in counts.sorted(by: { $0.key < $1.key }) {
      let df =
        try Int.fetchOne(
          db, sql: "SELECT doc FROM documents_fts_row WHERE term = ?", arguments: [term]) ?? 0
      guard df > 0 else { continue }
      let idf = log(1 + (n - Double(df) + 0.5) / (Double(df) + 0.5))
      let rows = try Row.fetchCursor(
        db, sql: "SELECT doc, count(*) FROM documents_fts_inst WHERE term = ? GROUP BY doc",
        arguments: [term])
      while let row = try rows.next() {
        guard let d = snapshot.docIndex[row[0] as Int64] else { continue }
        let tf = Double(row[1] as Int)
        let dl = Double(snapshot.lengths[Int(d)])
        let s = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
        scores[d, default: 0] += Double(repeats) * s
      }
    }
    return scores
  }
}
