import EmbeddingCore
import Foundation
import GRDB

extension RetrievalIndex {
  /// The `k` best documents for `query`, with the chunk that matched.
  ///
  /// - Parameters:
  ///   - mode: `.dense` and `.hybrid` need the encoder the index was built with; `.bm25` needs none.
  ///   - filter: metadata that every result must have (`["lang": "en"]`); all pairs must match.
  /// - Complexity: dense is exact, O(chunks · dimension); BM25 is O(postings of the query words).
  public func search(
    _ query: String, k: Int = 10, mode: SearchMode = .hybrid, filter: [String: String] = [:],
    parameters: SearchParameters = .init()
  ) async throws(EmbeddingError) -> [SearchHit] {
    let ranked = try rank(query, depth: k, mode: mode, filter: filter, parameters: parameters)
    return try hydrate(ranked, query: query)
  }

  /// The ids and scores of the `depth` best documents (no chunk text: for evaluation).
  public func rank(
    _ query: String, depth: Int, mode: SearchMode, filter: [String: String] = [:],
    parameters: SearchParameters = .init()
  ) throws(EmbeddingError) -> [RankedDocument] {
    guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw .invalidArgument("the query is empty; give words to search for")
    }
    guard depth > 0 else { throw .invalidArgument("k must be at least 1, got \(depth)") }
    var vector: [Float]?
    if mode != .bm25 { vector = try queryVector(query) }
    let snap = try snapshot(needVectors: mode != .bm25)
    let allowed = try allowedDocuments(filter)
    let terms = LexicalTokenizer.terms(query)

    func bm25Scores() throws(EmbeddingError) -> [Int32: Double] {
      let scores = try read { db in
        try BM25Scorer.scores(db, terms: terms, snapshot: snap, parameters: parameters.bm25)
      }
      guard let allowed else { return scores }
      return scores.filter { allowed.contains($0.key) }
    }
    // The best n documents, all exact scores when the search was exact (else nil), best chunks.
    func denseList(_ n: Int) -> ([(Int32, Double)], [Float]?, [Int32]) {
      if let graph = snap.graph, let ef = parameters.ef, allowed == nil, snap.codes == nil {
        let (list, chunks) = DenseScorer.approximate(
          query: vector ?? [], snapshot: snap, graph: graph, documents: n, ef: ef)
        return (list, nil, chunks)
      }
      let (scores, chunks) = DenseScorer.documentScores(
        query: vector ?? [], snapshot: snap, allowed: allowed, rescore: parameters.rescore)
      let items = scores.indices.lazy.filter { scores[$0] > -.infinity }
        .map { (Int32($0), Double(scores[$0])) }
      return (TopK.select(items, k: n), scores, chunks)
    }

    let list: [(Int32, Double)]
    var bestChunk: [Int32]?
    switch mode {
    case .bm25:
      list = try TopK.select(bm25Scores().lazy.map { ($0.key, $0.value) }, k: depth)
    case .dense:
      let (l, _, c) = denseList(depth)
      list = l
      bestChunk = c
    case .hybrid:
      let fusion = parameters.fusion
      try fusion.validate()
      let n = max(depth, fusion.depth)
      let lexicalScores = try bm25Scores()
      let lexical = TopK.select(lexicalScores.lazy.map { ($0.key, $0.value) }, k: n)
      let (semantic, exactScores, c) = denseList(n)
      bestChunk = c
      let fused: [(Int32, Double)]
      switch fusion.method {
      case .rrf:
        fused = RankFusion.fuse(
          [(lexical.map(\.0), fusion.bm25Weight), (semantic.map(\.0), fusion.denseWeight)],
          constant: fusion.constant
        ).map { ($0.key, $0.value) }
      case .convex:
        var denseScores: [Int32: Double] = [:]
        for (d, s) in semantic { denseScores[d] = s }
        let candidates = Array(Set(lexical.map(\.0)).union(semantic.map(\.0))).sorted()
        let missing = Set(candidates.filter { denseScores[$0] == nil })
        if let exactScores {
          for d in missing { denseScores[d] = Double(exactScores[Int(d)]) }
        } else if !missing.isEmpty {
          let (scores, _) = DenseScorer.documentScores(
            query: vector ?? [], snapshot: snap, allowed: missing)
          for d in missing { denseScores[d] = Double(scores[Int(d)]) }
        }
        let combined = RankFusion.convex(
          lexical: candidates.map { lexicalScores[$0] ?? 0 },
          dense: candidates.map { d in
            denseScores[d].flatMap { $0.isFinite ? $0 : nil } ?? -1
          },
          alpha: fusion.alpha, normalization: fusion.normalization)
        fused = Array(zip(candidates, combined))
      }
      list = TopK.select(fused, k: depth)
    }
    let rowids = list.map { snap.docRowids[Int($0.0)] }
    let ids = try read { db -> [Int64: String] in
      var out: [Int64: String] = [:]
      let marks = Array(repeating: "?", count: rowids.count).joined(separator: ",")
      for row in try Row.fetchAll(
        db, sql: "SELECT rowid, id FROM documents WHERE rowid IN (\(marks))",
        arguments: StatementArguments(rowids))
      {
        out[row[0]] = row[1]
      }
      return out
    }
    return list.enumerated().compactMap { i, item in
      guard let id = ids[rowids[i]] else { return nil }
      let chunk = bestChunk.map { Int($0[Int(item.0)]) } ?? -1
      return RankedDocument(id: id, score: item.1, rowid: rowids[i], chunk: chunk)
    }
  }

  /// The query's unit vector; checks the encoder against the index.
  func queryVector(_ query: String) throws(EmbeddingError) -> [Float] {
    let encoder = try EncoderRecord.searchEncoder(encoder)
    return try EncoderRecord.queryVector(
      query, encoder: encoder, recorded: try recordedEncoder(), location: path)
  }

  /// Document indexes whose metadata matches every pair of `filter`, or nil for no filter.
  func allowedDocuments(_ filter: [String: String]) throws(EmbeddingError) -> Set<Int32>? {
    guard !filter.isEmpty else { return nil }
    for key in filter.keys where key.isEmpty || key.contains("\"") || key.contains("\\") {
      throw .invalidArgument(
        "metadata key '\(key)' must be non-empty and hold no quotes or backslashes")
    }
    let snap = try snapshot(needVectors: false)
    let pairs = filter.sorted { $0.key < $1.key }
    let clause = pairs.map { "json_extract(metadata, '$.\"\($0.key)\"') = ?" }
      .joined(separator: " AND ")
    return try read { db in
      var out = Set<Int32>()
      let rows = try Int64.fetchAll(
        db, sql: "SELECT rowid FROM documents WHERE \(clause)",
        arguments: StatementArguments(pairs.map(\.value)))
      for r in rows { if let d = snap.docIndex[r] { out.insert(d) } }
      return out
    }
  }

  /// Adds titles, chunk text, matched words and metadata to ranked documents.
  func hydrate(_ ranked: [RankedDocument], query: String) throws(EmbeddingError) -> [SearchHit] {
    let queryTerms = Set(LexicalTokenizer.terms(query))
    return try read { db in
      try ranked.map { r in
        guard
          let row = try Row.fetchOne(
            db, sql: "SELECT title, text, metadata FROM documents WHERE rowid = ?",
            arguments: [r.rowid])
        else {
          throw EmbeddingError.malformed(
            path: path, location: "documents", reason: "document \(r.id) vanished")
        }
        let doc = RetrievalDocument(id: r.id, title: row[0], text: row[1])
        let body = Array(doc.body.utf8)
        let metadata =
          (try? JSONDecoder().decode([String: String].self, from: Data((row[2] as String).utf8)))
          ?? [:]
        var chunks: [(Int, String)] = []
        for c in try Row.fetchAll(
          db, sql: "SELECT ordinal, start, \"end\" FROM chunks WHERE doc = ? ORDER BY ordinal",
          arguments: [r.rowid])
        {
          let lo = min(body.count, c[1] as Int)
          let hi = min(body.count, max(lo, c[2] as Int))
          chunks.append((c[0], String(decoding: body[lo..<hi], as: UTF8.self)))
        }
        var pick = chunks.first ?? (0, doc.body)
        if let chosen = chunks.first(where: { $0.0 == r.chunk }) {
          pick = chosen
        } else if !queryTerms.isEmpty {
          var bestCount = -1
          for c in chunks {
            let n = LexicalTokenizer.words(c.1).filter { queryTerms.contains($0) }.count
            if n > bestCount {
              bestCount = n
              pick = c
            }
          }
        }
        let matched = Set(LexicalTokenizer.words(pick.1)).intersection(queryTerms).sorted()
        return SearchHit(
          id: r.id, score: r.score, title: doc.title, chunk: pick.1, chunkIndex: pick.0,
          matchedTerms: matched, metadata: metadata)
      }
    }
  }
}

/// A ranked document id and score (what evaluation needs).
public struct RankedDocument: Sendable, Equatable {
  /// The document's id.
  public var id: String
  /// Its score under the search mode.
  public var score: Double
  /// Its row in the documents table.
  var rowid: Int64
  /// The best chunk's ordinal for dense and hybrid search, −1 for BM25.
  var chunk: Int
}
