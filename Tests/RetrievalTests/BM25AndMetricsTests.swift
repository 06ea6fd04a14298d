import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Retrieval

@Suite struct BM25AndMetricsTests {
  /// BM25 from the FTS5 index equals the formula computed here from the raw texts.
  @Test func bm25MatchesTheFormula() async throws {
    let docs = [
      RetrievalDocument(id: "a", text: "apple banana apple cherry"),
      RetrievalDocument(id: "b", text: "banana banana date elderberry fig grape"),
      RetrievalDocument(id: "c", text: "cherry"),
      RetrievalDocument(id: "d", text: "date date date apple"),
    ]
    let path = makeTemporaryDirectory("bm25").appendingPathComponent("i.sqlite").path
    let index = try RetrievalIndex(path: path, encoder: nil, create: true)
    try await index.add(documents: docs)
    let params = BM25Parameters(k1: 1.2, b: 0.75)
    let query = "apple banana date"
    let hits = try index.rank(
      query, depth: 10, mode: .bm25, parameters: SearchParameters(bm25: params))

    let tokenized = docs.map { LexicalTokenizer.terms($0.text) }
    let avgdl = Double(tokenized.map(\.count).reduce(0, +)) / Double(docs.count)
    var expected: [String: Double] = [:]
    for (i, terms) in tokenized.enumerated() {
      var s = 0.0
      for q in LexicalTokenizer.terms(query) {
        let df = Double(tokenized.filter { $0.contains(q) }.count)
        let tf = Double(terms.filter { $0 == q }.count)
        guard tf > 0 else { continue }
        let idf = log(1 + (4 - df + 0.5) / (df + 0.5))
        s += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * Double(terms.count) / avgdl))
      }
      if s > 0 { expected[docs[i].id] = s }
    }
    #expect(hits.count == expected.count)
    for h in hits { #expect(abs(h.score - (expected[h.id] ?? -1)) < 1e-9, "\(h.id)") }
    #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >))
  }

  @Test func beirMeasuresByHand() {
    // q1: relevant d1 (rank 2) and d9 (not retrieved); q2: relevant d5 at rank 1; q3: nothing found.
    let run = ["q1": ["d3", "d1", "d4"], "q2": ["d5"], "q3": [String]()]
    let qrels = ["q1": ["d1": 1, "d9": 1], "q2": ["d5": 1], "q3": ["d7": 1]]
    let m = BEIRMetrics.evaluate(run: run, qrels: qrels)
    let q1 = (1 / log2(3.0)) / (1 + 1 / log2(3.0))
    #expect(abs(m.ndcg10 - (q1 + 1 + 0) / 3) < 1e-12)
    #expect(abs(m.recall100 - (0.5 + 1 + 0) / 3) < 1e-12)
    #expect(abs(m.mrr10 - (0.5 + 1 + 0) / 3) < 1e-12)
    #expect(m.queries == 3)
  }

  @Test func qrelsAndJSONLinesParse() throws {
    let dir = makeTemporaryDirectory("beir")
    let qrels = dir.appendingPathComponent("q.tsv")
    try "query-id\tcorpus-id\tscore\n1\t10\t1\n1\t11\t2\n2\t12\t0\n".write(
      to: qrels, atomically: true, encoding: .utf8)
    let parsed = try BEIRMetrics.readQrels(path: qrels.path)
    #expect(parsed == ["1": ["10": 1, "11": 2], "2": ["12": 0]])

    let corpus = dir.appendingPathComponent("c.jsonl")
    try """
    {"_id": "7", "title": "T", "text": "body", "metadata": {"year": 2020}, "lang": "en"}
    {"id": 8, "text": "second"}

    """.write(to: corpus, atomically: true, encoding: .utf8)
    let docs = try DocumentFiles.read(paths: [dir.path])
    #expect(docs.count == 2)
    #expect(
      docs[0]
        == RetrievalDocument(
          id: "7", title: "T", text: "body", metadata: ["year": "2020", "lang": "en"]))
    #expect(docs[1].id == "8")

    let bad = dir.appendingPathComponent("bad.jsonl")
    try "{\"id\": 1}\n".write(to: bad, atomically: true, encoding: .utf8)
    #expect { try DocumentFiles.readFile(bad.path) } throws: { "\($0)".contains("line 1") }
  }
}
