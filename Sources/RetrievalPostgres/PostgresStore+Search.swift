#if Postgres
import EmbeddingCore
import Foundation
import PostgresNIO
import Retrieval

extension PostgresStore {
  /// Okapi BM25 in SQL: Σ repeats · idf · tf·(k1+1) / (tf + k1·(1 − b + b·|d|/avgdl)),
  /// idf = ln(1 + (N − df + 0.5)/(df + 0.5)), as `BM25Scorer` computes it over SQLite's FTS5 tables,
  /// summed in the same term order, so documents that tie there tie here (and break ties by key).
  /// - Complexity: O(postings of the query terms) through the (term, doc) primary key.
  public func bm25(
    terms: [String: Int], depth: Int, parameters: BM25Parameters, filter: [String: String]
  ) async throws(EmbeddingError) -> [StoreHit] {
    try await bm25(terms: terms, depth: depth, parameters: parameters, filter: filter, keys: nil)
  }

  /// The BM25 scores of the documents `keys` (those holding no query term left out); the
  /// collection statistics are the whole index's, as in `bm25(terms:depth:parameters:filter:)`.
  public func bm25Scores(terms: [String: Int], parameters: BM25Parameters, keys: [Int64])
    async throws(EmbeddingError) -> [Int64: Double]
  {
    guard !keys.isEmpty, !terms.isEmpty else { return [:] }
    let hits = try await bm25(
      terms: terms, depth: nil, parameters: parameters, filter: [:], keys: keys)
    var scores: [Int64: Double] = [:]
    for h in hits { scores[h.key] = h.score }
    return scores
  }

  /// BM25 of every document (or of `keys`), best `depth` first (nil: all).
  func bm25(
    terms: [String: Int], depth: Int?, parameters: BM25Parameters, filter: [String: String],
    keys: [Int64]?
  ) async throws(EmbeddingError) -> [StoreHit] {
    let s = self.s
    let only = keys?.map { Int($0) }
    let words = terms.keys.sorted()
    let repeats = words.map { terms[$0] ?? 1 }
    let k1 = parameters.k1
    let b = parameters.b
    let filterJSON = try filter.isEmpty ? nil : Self.json(filter)
    return try await run { c in
      var hits: [StoreHit] = []
      for try await (id, key, score) in try await c.query(
        """
        WITH q(term, repeats) AS (SELECT * FROM unnest(\(words)::text[], \(repeats)::bigint[])),
        stats AS (SELECT count(*)::float8 AS n, greatest(coalesce(avg(length), 1), 1e-9)::float8 AS avgdl
                  FROM \(unescaped: s).documents),
        df AS (SELECT p.term, count(*)::float8 AS df FROM \(unescaped: s).postings p
               JOIN q ON q.term = p.term GROUP BY p.term),
        scored AS (
          SELECT p.doc, sum(q.repeats * ln(1 + (stats.n - df.df + 0.5) / (df.df + 0.5))
                 * p.tf * (\(k1)::float8 + 1)
                 / (p.tf + \(k1)::float8 * (1 - \(b)::float8 + \(b)::float8 * d.length / stats.avgdl))
                 ORDER BY p.term COLLATE "C") AS score
          FROM \(unescaped: s).postings p JOIN q ON q.term = p.term JOIN df ON df.term = p.term
          JOIN \(unescaped: s).documents d ON d.rowid = p.doc CROSS JOIN stats
          WHERE (\(filterJSON)::jsonb IS NULL OR d.metadata @> \(filterJSON)::jsonb)
            AND (\(only)::bigint[] IS NULL OR p.doc = ANY(\(only)::bigint[]))
          GROUP BY p.doc)
        SELECT d.id, scored.doc, scored.score FROM scored
        JOIN \(unescaped: s).documents d ON d.rowid = scored.doc
        ORDER BY scored.score DESC, scored.doc LIMIT \(depth)::bigint
        """, logger: logger
      ).decode((String, Int, Double).self) {
        hits.append(StoreHit(id: id, key: Int64(key), score: score, chunk: -1))
      }
      return hits
    }
  }

  /// The best documents by their best chunk's inner product with `query` (a unit vector).
  ///
  /// Exact (a scan with pgvector's `<#>`) unless `ef` is set, there is no filter and the HNSW index
  /// exists: then the index yields the best 3·depth chunks (beam `hnsw.ef_search`), as the SQLite
  /// index does with its graph.
  public func dense(query: [Float], depth: Int, ef: Int?, filter: [String: String])
    async throws(EmbeddingError) -> [StoreHit]
  {
    let s = self.s
    let vector = Self.vectorText(query)
    if let ef, filter.isEmpty, try await hasApproximateIndex() {
      let wanted = depth * 3
      let beam = min(1000, max(ef, wanted))
      let rows = try await transaction { c in
        try await c.query(
          PostgresQuery(unsafeSQL: "SET LOCAL hnsw.ef_search = \(beam)"), logger: logger)
        var rows: [(String, Int, Int, Double)] = []
        for try await row in try await c.query(
          """
          SELECT d.id, n.doc, n.ordinal, n.score FROM (
            SELECT doc, ordinal, -(vector <#> \(vector)::vector) AS score, rowid
            FROM \(unescaped: s).chunks ORDER BY vector <#> \(vector)::vector LIMIT \(wanted)) n
          JOIN \(unescaped: s).documents d ON d.rowid = n.doc
          ORDER BY n.score DESC, n.rowid
          """, logger: logger
        ).decode((String, Int, Int, Double).self) {
          rows.append(row)
        }
        return rows
      }
      var seen = Set<Int>()
      var hits: [StoreHit] = []
      for (id, doc, ordinal, score) in rows where seen.insert(doc).inserted {
        hits.append(StoreHit(id: id, key: Int64(doc), score: score, chunk: ordinal))
      }
      hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.key < $1.key }
      return Array(hits.prefix(depth))
    }
    let filterJSON = try filter.isEmpty ? nil : Self.json(filter)
    return try await run { c in
      var hits: [StoreHit] = []
      for try await (id, doc, ordinal, score) in try await c.query(
        """
        SELECT d.id, best.doc, best.ordinal, best.score FROM (
          SELECT DISTINCT ON (c.doc) c.doc, c.ordinal, -(c.vector <#> \(vector)::vector) AS score
          FROM \(unescaped: s).chunks c
          WHERE c.vector IS NOT NULL AND (\(filterJSON)::jsonb IS NULL OR c.doc IN (
            SELECT rowid FROM \(unescaped: s).documents WHERE metadata @> \(filterJSON)::jsonb))
          ORDER BY c.doc, c.vector <#> \(vector)::vector, c.ordinal) best
        JOIN \(unescaped: s).documents d ON d.rowid = best.doc
        ORDER BY best.score DESC, best.doc LIMIT \(depth)
        """, logger: logger
      ).decode((String, Int, Int, Double).self) {
        hits.append(StoreHit(id: id, key: Int64(doc), score: score, chunk: ordinal))
      }
      return hits
    }
  }

  /// Each of `keys`' best-chunk inner product with `query` (documents without vectors left out),
  /// exact: the dense scores convex fusion needs for BM25 candidates outside the dense list.
  public func denseScores(query: [Float], keys: [Int64]) async throws(EmbeddingError)
    -> [Int64: Double]
  {
    guard !keys.isEmpty else { return [:] }
    let s = self.s
    let vector = Self.vectorText(query)
    let only = keys.map { Int($0) }
    return try await run { c in
      var scores: [Int64: Double] = [:]
      for try await (doc, score) in try await c.query(
        """
        SELECT c.doc, max(-(c.vector <#> \(vector)::vector)) FROM \(unescaped: s).chunks c
        WHERE c.vector IS NOT NULL AND c.doc = ANY(\(only)::bigint[]) GROUP BY c.doc
        """, logger: logger
      ).decode((Int, Double).self) {
        scores[Int64(doc)] = score
      }
      return scores
    }
  }

  /// Titles, texts, metadata and chunk spans, in the order of `ids`.
  public func documents(ids: [String]) async throws(EmbeddingError) -> [StoredDocument] {
    let s = self.s
    let rows = try await run { c in
      var docs: [String: StoredDocument] = [:]
      for try await (id, title, text, metadata, hash, length) in try await c.query(
        """
        SELECT id, title, text, metadata::text, content_hash, length::bigint
        FROM \(unescaped: s).documents WHERE id = ANY(\(ids))
        """, logger: logger
      ).decode((String, String, String, String, String, Int).self) {
        docs[id] = StoredDocument(
          id: id, title: title, text: text, metadataJSON: metadata, contentHash: hash,
          length: length, terms: [:], chunks: [])
      }
      for try await (id, ordinal, start, end, hash) in try await c.query(
        """
        SELECT d.id, c.ordinal::bigint, c.start::bigint, c."end"::bigint, c.hash
        FROM \(unescaped: s).chunks c JOIN \(unescaped: s).documents d ON d.rowid = c.doc
        WHERE d.id = ANY(\(ids)) ORDER BY c.doc, c.ordinal
        """, logger: logger
      ).decode((String, Int, Int, Int, String).self) {
        docs[id]?.chunks.append(
          StoredChunk(ordinal: ordinal, start: start, end: end, hash: hash, vector: nil))
      }
      return docs
    }
    return ids.compactMap { rows[$0] }
  }

  static func json(_ filter: [String: String]) throws(EmbeddingError) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    do {
      return String(decoding: try encoder.encode(filter), as: UTF8.self)
    } catch {
      throw .invalidArgument("cannot encode the filter: \(error)")
    }
  }
}
#endif
