import EmbeddingCore
import Foundation

/// BEIR's retrieval measures (as pytrec_eval computes them): nDCG@10, recall@100 and MRR@10,
/// averaged over the queries that have judgements.
///
/// nDCG@k: Σ rel_i / log2(i + 1) over the top k, divided by the same sum for the ideal order;
/// recall@k: relevant documents in the top k / relevant documents; MRR@k: 1 / rank of the first
/// relevant document in the top k (0 if none). A query with no results scores 0.
///
/// ```swift
/// let m = BEIRMetrics.evaluate(run: ["q1": ["d3", "d1"]], qrels: ["q1": ["d1": 1]])
/// ```
public struct BEIRMetrics: Sendable, Equatable, Codable {
  /// Mean nDCG@10.
  public var ndcg10: Double
  /// Mean recall@100.
  public var recall100: Double
  /// Mean MRR@10.
  public var mrr10: Double
  /// Number of queries averaged.
  public var queries: Int

  /// Scores a run (query id → ranked document ids) against graded judgements.
  public static func evaluate(run: [String: [String]], qrels: [String: [String: Int]])
    -> BEIRMetrics
  {
    var ndcg = 0.0
    var recall = 0.0
    var mrr = 0.0
    var n = 0
    for (qid, judged) in qrels {
      let relevant = judged.filter { $0.value > 0 }
      guard !relevant.isEmpty else { continue }
      n += 1
      let ranking = run[qid] ?? []
      var dcg = 0.0
      for (i, doc) in ranking.prefix(10).enumerated() {
        if let rel = relevant[doc] { dcg += Double(rel) / log2(Double(i + 2)) }
      }
      var idcg = 0.0
      for (i, rel) in relevant.values.sorted(by: >).prefix(10).enumerated() {
        idcg += Double(rel) / log2(Double(i + 2))
      }
      ndcg += idcg > 0 ? dcg / idcg : 0
      let found = ranking.prefix(100).filter { relevant[$0] != nil }.count
      recall += Double(found) / Double(relevant.count)
      if let first = ranking.prefix(10).firstIndex(where: { relevant[$0] != nil }) {
        mrr += 1 / Double(first + 1)
      }
    }
    let d = Double(max(1, n))
    return BEIRMetrics(ndcg10: ndcg / d, recall100: recall / d, mrr10: mrr / d, queries: n)
  }

  /// Reads a BEIR qrels TSV (`query-id  corpus-id  score`, header optional).
  public static func readQrels(path: String) throws(EmbeddingError) -> [String: [String: Int]] {
    let text: String
    do {
      text = String(decoding: try ByteStream.readAll(path: path), as: UTF8.self)
    } catch {
      throw (error as? EmbeddingError) ?? .io(path: path, reason: "\(error)")
    }
    var out: [String: [String: Int]] = [:]
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).map(String.init)
      if fields.isEmpty { continue }
      if i == 0 && Int(fields.last ?? "") == nil { continue }  // header
      guard fields.count >= 3, let score = Int(fields[fields.count - 1]) else {
        throw .malformed(
          path: path, location: "line \(i + 1)", reason: "expected query-id, corpus-id, score")
      }
      out[fields[0], default: [:]][fields[fields.count - 2]] = score
    }
    return out
  }

  /// Reads BEIR queries.jsonl (`{"_id", "text"}` per line) into id → text.
  public static func readQueries(path: String) throws(EmbeddingError) -> [String: String] {
    var out: [String: String] = [:]
    for doc in try DocumentFiles.readFile(path) { out[doc.id] = doc.text }
    return out
  }
}

extension RetrievalIndex {
  /// Runs every judged query through `rank` (depth 100) and scores the run with BEIR's measures.
  public func evaluate(
    queries: [String: String], qrels: [String: [String: Int]], mode: SearchMode,
    parameters: SearchParameters = .init()
  ) async throws(EmbeddingError) -> BEIRMetrics {
    let run = try await rankAll(queries: queries, qrels: qrels, mode: mode, parameters: parameters)
    return BEIRMetrics.evaluate(run: run.mapValues { $0.map(\.id) }, qrels: qrels)
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
      run[qid] = try rank(text, depth: depth, mode: mode, parameters: parameters)
    }
    return run
  }
}
