import EmbeddingCore
import Foundation

extension StoreIndex {
  /// The `k` best documents for `query`, with the chunk that matched (as `RetrievalIndex.search`).
  ///
  /// - Complexity: one or two queries to the store; dense is exact unless the store has an HNSW
  ///   index and `parameters.ef` is set.
  public func search(
    _ query: String, k: Int = 10, mode: SearchMode = .hybrid, filter: [String: String] = [:],
    parameters: SearchParameters = .init()
  ) async throws(EmbeddingError) -> [SearchHit] {
    let ranked = try await rank(query, depth: k, mode: mode, filter: filter, parameters: parameters)
    return try await hydrate(ranked, query: query)
  }

  /// The ids and scores of the `depth` best documents (no chunk text: for evaluation).
  public func rank(
    _ query: String, depth: Int, mode: SearchMode, filter: [String: String] = [:],
    parameters: SearchParameters = .init()
  ) async throws(EmbeddingError) -> [RankedDocument] {
    guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw .invalidArgument("the query is empty; give words to search for")
    }
    guard depth > 0 else { throw .invalidArgument("k must be at least 1, got \(depth)") }
    try Self.checkFilter(filter)
    var vector: [Float] = []
    if mode != .bm25 { vector = try await queryVector(query) }
    var counts: [String: Int] = [:]
    for t in LexicalTokenizer.terms(query) { counts[t, default: 0] += 1 }

    let hits: [StoreHit]
    switch mode {
    case .bm25:
      hits = try await store.bm25(
        terms: counts, depth: depth, parameters: parameters.bm25, filter: filter)
    case .dense:
      hits = try await store.dense(
        query: vector, depth: depth, ef: parameters.ef, filter: filter)
    case .hybrid:
      let fusion = parameters.fusion
      try fusion.validate()
      let n = max(depth, fusion.depth)
      let lexical = try await store.bm25(
        terms: counts, depth: n, parameters: parameters.bm25, filter: filter)
      let semantic = try await store.dense(
        query: vector, depth: n, ef: parameters.ef, filter: filter)
      var scores: (lexical: [Int64: Double], dense: [Int64: Double]) = ([:], [:])
      if fusion.method == .convex {
        // As `RetrievalIndex`: every candidate gets both scores (BM25 0 without a query word,
        // the exact cosine for documents outside the dense list, −1 without vectors).
        for h in lexical { scores.lexical[h.key] = h.score }
        for h in semantic { scores.dense[h.key] = h.score }
        let noBM25 = semantic.map(\.key).filter { scores.lexical[$0] == nil }
        for (key, value) in try await store.bm25Scores(
          terms: counts, parameters: parameters.bm25, keys: noBM25)
        {
          scores.lexical[key] = value
        }
        let noDense = lexical.map(\.key).filter { scores.dense[$0] == nil }
        for (key, value) in try await store.denseScores(query: vector, keys: noDense) {
          scores.dense[key] = value
        }
      }
      hits = Self.fuse(
        lexical: lexical, semantic: semantic, scores: scores, parameters: fusion, k: depth)
    }
    return hits.map { RankedDocument(id: $0.id, score: $0.score, rowid: $0.key, chunk: $0.chunk) }
  }

  /// `RankFusion` (RRF or convex) over two store rankings, ties broken by insertion order as in
  /// `RetrievalIndex`; `scores` holds both scores of every candidate for convex fusion.
  static func fuse(
    lexical: [StoreHit], semantic: [StoreHit],
    scores: (lexical: [Int64: Double], dense: [Int64: Double]), parameters: FusionParameters,
    k: Int
  ) -> [StoreHit] {
    var byKey: [Int64: StoreHit] = [:]
    for h in semantic { byKey[h.key] = h }
    for h in lexical where byKey[h.key] == nil { byKey[h.key] = h }
    let keys = byKey.keys.sorted()
    var slot: [Int64: Int32] = [:]
    for (i, key) in keys.enumerated() { slot[key] = Int32(i) }
    let fused: [(Int32, Double)]
    switch parameters.method {
    case .rrf:
      fused = RankFusion.fuse(
        [
          (lexical.compactMap { slot[$0.key] }, parameters.bm25Weight),
          (semantic.compactMap { slot[$0.key] }, parameters.denseWeight),
        ], constant: parameters.constant
      ).map { ($0.key, $0.value) }
    case .convex:
      let combined = RankFusion.convex(
        lexical: keys.map { scores.lexical[$0] ?? 0 },
        dense: keys.map { key in scores.dense[key].flatMap { $0.isFinite ? $0 : nil } ?? -1 },
        alpha: parameters.alpha, normalization: parameters.normalization)
      fused = combined.enumerated().map { (Int32($0.offset), $0.element) }
    }
    let dense = Set(semantic.map(\.key))
    return TopK.select(fused, k: k).compactMap { s, score in
      guard var hit = byKey[keys[Int(s)]] else { return nil }
      hit.score = score
      if !dense.contains(hit.key) { hit.chunk = -1 }
      return hit
    }
  }

  /// The ranking (up to `depth` documents) of every query judged in `qrels`.
  public func rankAll(
    queries: [String: String], qrels: [String: [String: Int]], mode: SearchMode,
    parameters: SearchParameters = .init(), depth: Int = 100
  ) async throws(EmbeddingError) -> [String: [RankedDocument]] {
    var run: [String: [RankedDocument]] = [:]
    for qid in qrels.keys.sorted() {
      guard let text = queries[qid] else {
        throw .invalidArgument(
          "query \(qid) is judged in the qrels but missing from the queries file")
      }
      run[qid] = try await rank(text, depth: depth, mode: mode, parameters: parameters)
    }
    return run
  }

  /// The query's unit vector; checks the encoder against the index.
  func queryVector(_ query: String) async throws(EmbeddingError) -> [Float] {
    let encoder = try EncoderRecord.searchEncoder(encoder)
    return try EncoderRecord.queryVector(
      query, encoder: encoder, recorded: try await store.recordedEncoder(), location: location)
  }

  static func checkFilter(_ filter: [String: String]) throws(EmbeddingError) {
    for key in filter.keys where key.isEmpty || key.contains("\"") || key.contains("\\") {
      throw .invalidArgument(
        "metadata key '\(key)' must be non-empty and hold no quotes or backslashes")
    }
  }

  /// Adds titles, chunk text, matched words and metadata to ranked documents (as `RetrievalIndex`).
  func hydrate(_ ranked: [RankedDocument], query: String) async throws(EmbeddingError)
    -> [SearchHit]
  {
    let queryTerms = Set(LexicalTokenizer.terms(query))
    let rows = try await store.documents(ids: ranked.map(\.id))
    var byID: [String: StoredDocument] = [:]
    for r in rows { byID[r.id] = r }
    var hits: [SearchHit] = []
    for r in ranked {
      guard let row = byID[r.id] else {
        throw .malformed(
          path: location, location: "documents", reason: "document \(r.id) vanished")
      }
      let doc = RetrievalDocument(id: r.id, title: row.title, text: row.text)
      let body = Array(doc.body.utf8)
      let metadata =
        (try? JSONDecoder().decode([String: String].self, from: Data(row.metadataJSON.utf8))) ?? [:]
      let chunks = row.chunks.map { c -> (Int, String) in
        let lo = min(body.count, c.start)
        let hi = min(body.count, max(lo, c.end))
        return (c.ordinal, String(decoding: body[lo..<hi], as: UTF8.self))
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
      hits.append(
        SearchHit(
          id: r.id, score: r.score, title: doc.title, chunk: pick.1, chunkIndex: pick.0,
          matchedTerms: matched, metadata: metadata))
    }
    return hits
  }
}
