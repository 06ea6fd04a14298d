import ArgumentParser
import EmbeddingCore
import Foundation
import Retrieval

extension SearchMode: ExpressibleByArgument {}
extension VectorPrecision: ExpressibleByArgument {}
extension FusionMethod: ExpressibleByArgument {}
extension ScoreNormalization: ExpressibleByArgument {}

/// `embed search INDEX "query"`: dense, BM25 or hybrid search; or BEIR evaluation with --qrels.
struct Search: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Search a retrieval index, or evaluate it on BEIR queries and qrels.",
    discussion: """
      Prints document ids, scores and the best chunk with the query's words marked. Dense and \
      hybrid modes load the encoder recorded in the index (or --encoder/--model).

      Examples:
        embed search docs.sqlite "does vitamin D prevent fractures" -k 5
        embed search docs.sqlite "cats" --mode bm25 --where lang=en --json
        embed search scifact.sqlite --queries queries.jsonl --qrels qrels/test.tsv --mode hybrid
        embed search --store postgres://me@localhost:5432/docs "vitamin D" --exact
      """)

  @Argument(help: "The index file or postgres:// URL (left out with --store).")
  var index: String?

  @Argument(help: "The query (omit with --queries).")
  var query: String?

  @OptionGroup var storeOptions: StoreOptions

  @Option(name: .short, help: "How many documents to return.")
  var k: Int = 10

  @Option(help: "dense, bm25 or hybrid (default: hybrid when the index has vectors, else bm25).")
  var mode: SearchMode?

  @Option(
    name: .customLong("where"), help: "Metadata filter key=value (repeatable; all must match).")
  var filters: [String] = []

  @Flag(help: "Print JSON.")
  var json = false

  @Option(help: "BEIR queries.jsonl: evaluate instead of searching (needs --qrels).")
  var queries: String?

  @Option(help: "BEIR qrels TSV (query-id, corpus-id, score).")
  var qrels: String?

  @Option(
    name: .customLong("run"),
    help: "With --qrels: also write the ranking as a TREC run file (qid Q0 doc rank score tag).")
  var runFile: String?

  @Option(help: "BM25 k1.")
  var k1: Double = 0.9

  @Option(help: "BM25 b.")
  var b: Double = 0.4

  @Option(
    help: ArgumentHelp(
      "How hybrid mode combines the BM25 and dense lists: convex or rrf.",
      discussion: """
        convex: score = alpha × N(cosine) + (1 − alpha) × N(BM25), N bringing both lists to one \
        scale over the candidates (--normalization); it keeps how far ahead a document is. \
        rrf: reciprocal rank fusion, Σ weight / (rrf-k + rank); ranks only, no calibration. \
        Tune them on your own judged queries with --queries/--qrels (BENCHMARKS.md shows how).
        """))
  var fusion: FusionMethod = FusionParameters().method

  @Option(
    help: ArgumentHelp(
      "Convex fusion: the dense share, 0 (BM25 only) to 1 (dense only).",
      discussion: "Raise it for paraphrased queries, lower it for exact names and codes."))
  var alpha: Double = FusionParameters().alpha

  @Option(help: "Convex fusion: minmax ((s − min)/(max − min)) or z ((s − mean)/deviation).")
  var normalization: ScoreNormalization = FusionParameters().normalization

  @Option(
    help: ArgumentHelp(
      "RRF constant k: larger flattens the gap between the first ranks and the rest.",
      valueName: "k"))
  var rrfK: Double = FusionParameters().constant

  @Option(help: "RRF: weight of the dense list (the BM25 list has weight 1).")
  var denseWeight: Double = FusionParameters().denseWeight

  @Option(help: "Hybrid: documents taken from each list before fusing (the candidates).")
  var fusionDepth: Int = FusionParameters().depth

  @Option(help: "HNSW beam width, when the index has a graph.")
  var ef: Int = 128

  @Option(
    help: "Binary-precision indexes: chunks re-scored with the float query (0: Hamming only).")
  var rescore: Int = 100

  @Flag(help: "Exact dense search even when the index has an HNSW graph.")
  var exact = false

  @OptionGroup var encoderOptions: IndexEncoderOptions

  func run() async throws {
    var filter: [String: String] = [:]
    for f in filters {
      guard let eq = f.firstIndex(of: "="), eq != f.startIndex else {
        throw ValidationError("--where takes key=value, got '\(f)'")
      }
      filter[String(f[..<eq])] = String(f[f.index(after: eq)...])
    }
    let (location, rest) = try storeOptions.locate([self.index, self.query].compactMap { $0 })
    guard rest.count <= 1 else { throw ValidationError("unexpected argument '\(rest[1])'") }
    let query = rest.first
    let found = try await IndexStore.existing(location)
    guard let peek = found.index else {
      throw EmbeddingError.io(
        path: location,
        reason: "no index here; create one with `embed index add \(location) FILES...`")
    }
    let hasVectors = try await peek.recordedEncoder() != nil
    let mode = self.mode ?? (hasVectors ? .hybrid : .bm25)
    let encoder = mode == .bm25 ? nil : try await encoderOptions.spec(recordedInIndex: peek).load()
    let idx = try await IndexStore.open(location, reusing: found, encoder: encoder)
    let parameters = SearchParameters(
      bm25: BM25Parameters(k1: k1, b: b),
      fusion: FusionParameters(
        method: fusion, alpha: alpha, normalization: normalization, constant: rrfK,
        bm25Weight: 1, denseWeight: denseWeight, depth: fusionDepth),
      ef: exact ? nil : ef, rescore: rescore)

    if queries != nil || qrels != nil {
      guard let queries, let qrels else {
        throw ValidationError("--queries and --qrels go together")
      }
      let judged = try BEIRMetrics.readQrels(path: qrels)
      let texts = try BEIRMetrics.readQueries(path: queries)
      let start = MonotonicClock.now()
      let ranked = try await idx.rankAll(
        queries: texts, qrels: judged, mode: mode, parameters: parameters, depth: 100)
      let seconds = MonotonicClock.now() - start
      let m = BEIRMetrics.evaluate(run: ranked.mapValues { $0.map(\.id) }, qrels: judged)
      if let runFile {
        var lines = ""
        for qid in ranked.keys.sorted() {
          for (i, r) in (ranked[qid] ?? []).enumerated() {
            lines += "\(qid) Q0 \(r.id) \(i + 1) \(r.score) embed-\(mode.rawValue)\n"
          }
        }
        try lines.write(toFile: runFile, atomically: true, encoding: .utf8)
      }
      if json {
        try printJSON(
          RetrievalEvaluationJSON(
            mode: mode.rawValue, queries: m.queries, ndcg10: m.ndcg10, recall100: m.recall100,
            mrr10: m.mrr10, seconds: seconds))
      } else {
        print(
          String(
            format: "%@  nDCG@10 %.4f  recall@100 %.4f  MRR@10 %.4f  (%d queries, %.1f ms/query)",
            mode.rawValue, m.ndcg10, m.recall100, m.mrr10, m.queries,
            seconds * 1000 / Double(max(1, m.queries))))
      }
      return
    }
    guard let query else { throw ValidationError("give a query, or --queries with --qrels") }
    let hits = try await idx.search(query, k: k, mode: mode, filter: filter, parameters: parameters)
    if json {
      try printJSON(
        hits.map {
          HitJSON(
            id: $0.id, score: $0.score, title: $0.title, chunk: $0.chunk,
            chunkIndex: $0.chunkIndex, matched: $0.matchedTerms, metadata: $0.metadata)
        })
      return
    }
    if hits.isEmpty { print("no results") }
    let bold = isatty(1) != 0
    for (i, h) in hits.enumerated() {
      let title = h.title.isEmpty ? "" : "  \(h.title)"
      print(String(format: "%2d. %@  %.4f", i + 1, h.id, h.score) + title)
      print("    " + Self.excerpt(h.chunk, marking: Set(h.matchedTerms), bold: bold))
    }
  }

  /// Up to ~240 characters of `text` around its first marked word, marked words in bold (or [..]).
  static func excerpt(_ text: String, marking terms: Set<String>, bold: Bool) -> String {
    let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    let isMarked: (String) -> Bool = { w in
      LexicalTokenizer.words(w).contains { terms.contains($0) }
    }
    let first = words.firstIndex(where: isMarked) ?? 0
    var lo = max(0, first - 12)
    var out: [String] = []
    var length = 0
    while lo < words.count && length < 240 {
      let w = words[lo]
      out.append(isMarked(w) ? (bold ? "\u{1B}[1m\(w)\u{1B}[0m" : "[\(w)]") : w)
      length += w.count + 1
      lo += 1
    }
    let prefix = first > 12 ? "… " : ""
    return prefix + out.joined(separator: " ") + (lo < words.count ? " …" : "")
  }
}

/// `embed search --queries --qrels --json`.
private struct RetrievalEvaluationJSON: Encodable {
  let mode: String
  let queries: Int
  let ndcg10: Double
  let recall100: Double
  let mrr10: Double
  let seconds: Double

  enum CodingKeys: String, CodingKey {
    case mode, queries, seconds
    case ndcg10 = "ndcg@10"
    case recall100 = "recall@100"
    case mrr10 = "mrr@10"
  }
}

/// One result of `embed search --json`.
private struct HitJSON: Encodable {
  let id: String
  let score: Double
  let title: String
  let chunk: String
  let chunkIndex: Int
  let matched: [String]
  let metadata: [String: String]

  enum CodingKeys: String, CodingKey {
    case id, score, title, chunk, matched, metadata
    case chunkIndex = "chunk_index"
  }
}
