#if Postgres
import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Retrieval
import Testing

@testable import RetrievalPostgres

/// Documents with several chunks each, metadata and repeated words (ties, filters, BM25 repeats).
private func syntheticDocuments(_ n: Int) -> [RetrievalDocument] {
  let topics = ["cats", "dogs", "eagles", "rivers", "mountains", "vitamin", "protein", "cells"]
  return (0..<n).map { i in
    let a = topics[i % topics.count]
    let b = topics[(i * 3 + 1) % topics.count]
    let sentences = (0..<(2 + i % 5)).map { j in
      "Sentence \(j) of note \(i) says \(a) meet \(b) near the \(topics[(i + j) % topics.count])."
    }
    return RetrievalDocument(
      id: "doc\(i)", title: i % 4 == 0 ? "" : "Note \(i) on \(a)",
      text: sentences.joined(separator: " "), metadata: ["group": "g\(i % 3)"])
  }
}

private let queries = [
  "cats meet dogs", "eagles near rivers", "vitamin protein cells", "note 7", "mountains mountains",
  "sentence about nothing here", "dogs",
]

/// Asserts equal ids, and scores within `tolerance`.
private func expectSame(
  _ a: [RankedDocument], _ b: [RankedDocument], tolerance: Double = 1e-5, _ what: String
) {
  #expect(a.map(\.id) == b.map(\.id), "\(what): ids differ")
  for (x, y) in zip(a, b) {
    #expect(abs(x.score - y.score) <= tolerance, "\(what): \(x.id) \(x.score) vs \(y.score)")
  }
}

/// Asserts the same ranking up to near-ties, and returns whether the ids are in the same order.
///
/// Both stores compute the same scores in a different floating-point order (SIMD sums in Swift,
/// pgvector's and PostgreSQL's in C), so documents whose scores agree to ~1e-7 may come out in
/// either order. Checked: the score at every rank agrees within `tolerance`; a document in both
/// lists has the same score in each; a document in one list only scores level with the cut-off.
@discardableResult
private func expectSameUpToTies(
  _ a: [RankedDocument], _ b: [RankedDocument], tolerance: Double = 1e-5, _ what: String
) -> Bool {
  #expect(a.count == b.count, "\(what): \(a.count) vs \(b.count) documents")
  for (i, (x, y)) in zip(a, b).enumerated() {
    #expect(abs(x.score - y.score) <= tolerance, "\(what): rank \(i + 1) \(x.score) vs \(y.score)")
  }
  let scoreA = Dictionary(a.map { ($0.id, $0.score) }, uniquingKeysWith: { x, _ in x })
  let scoreB = Dictionary(b.map { ($0.id, $0.score) }, uniquingKeysWith: { x, _ in x })
  for x in a {
    if let s = scoreB[x.id] {
      #expect(abs(x.score - s) <= tolerance, "\(what): \(x.id) \(x.score) vs \(s)")
    } else {
      #expect(
        abs(x.score - (b.last?.score ?? .infinity)) <= tolerance, "\(what): \(x.id) only in SQLite")
    }
  }
  for y in b where scoreA[y.id] == nil {
    #expect(
      abs(y.score - (a.last?.score ?? .infinity)) <= tolerance,
      "\(what): \(y.id) only in PostgreSQL")
  }
  return a.map(\.id) == b.map(\.id)
}

@Suite(.enabled(if: PostgresTestServer.isAvailable, "needs EMBEDDINGKIT_POSTGRES_URL"), .serialized)
struct PostgresParityTests {
  @Test func sameIdsAndScoresAsSQLiteInEveryMode() async throws {
    let docs = syntheticDocuments(80)
    let chunking = ChunkingOptions(tokens: 16, overlap: 2)
    let sqlite = try RetrievalIndex(
      path: makeTemporaryDirectory("pg-parity").appendingPathComponent("i.sqlite").path,
      encoder: HashingEncoder(), chunking: chunking, create: true)
    try await sqlite.add(documents: docs, batchSize: 16)
    try await PostgresTestServer.withFreshStore { store in
      let pg = try await StoreIndex(
        store: store, encoder: HashingEncoder(), chunking: chunking, create: true)
      try await pg.add(documents: docs, batchSize: 16)

      let a = try sqlite.info
      let b = try await pg.info()
      #expect(a.documents == b.documents && a.chunks == b.chunks && a.vectors == b.vectors)
      #expect(b.chunks > b.documents)  // several chunks per document

      let exact = SearchParameters(ef: nil)
      // Convex fusion with short lists: candidates from one list need their score from the other.
      let convex = [ScoreNormalization.minmax, .z].map {
        SearchParameters(
          fusion: FusionParameters(method: .convex, alpha: 0.6, normalization: $0, depth: 6),
          ef: nil)
      }
      // Hybrid fuses the BM25 and dense lists (depth 100, or the fusion depth): where those agree
      // id for id, the fused rankings must be identical; where they differ by near-ties (checked),
      // the fused ranks may differ too.
      var strict = 0
      var total = 0
      for q in queries {
        for filter in [[:], ["group": "g1"]] {
          var same = true
          for mode in [SearchMode.bm25, .dense] {
            for depth in [10, 100] {
              let x = try sqlite.rank(
                q, depth: depth, mode: mode, filter: filter, parameters: exact)
              let y = try await pg.rank(
                q, depth: depth, mode: mode, filter: filter, parameters: exact)
              let identical = expectSameUpToTies(x, y, "\(mode)@\(depth) '\(q)' \(filter)")
              if depth == 100, !identical { same = false }
            }
          }
          total += 1
          if same {
            strict += 1
            let x = try sqlite.rank(q, depth: 10, mode: .hybrid, filter: filter, parameters: exact)
            let y = try await pg.rank(
              q, depth: 10, mode: .hybrid, filter: filter, parameters: exact)
            expectSame(x, y, "hybrid '\(q)' \(filter)")
          }
        }
        for parameters in convex {
          var same = true
          for mode in [SearchMode.bm25, .dense] {
            let x = try sqlite.rank(q, depth: 8, mode: mode, parameters: exact)
            let y = try await pg.rank(q, depth: 8, mode: mode, parameters: exact)
            if !expectSameUpToTies(x, y, "\(mode)@8 '\(q)'") { same = false }
          }
          guard same else { continue }
          let x = try sqlite.rank(q, depth: 8, mode: .hybrid, parameters: parameters)
          let y = try await pg.rank(q, depth: 8, mode: .hybrid, parameters: parameters)
          expectSame(x, y, "convex \(parameters.fusion.normalization) '\(q)'")
        }
        // Dense hits show the same best chunk.
        let x = try await sqlite.search(q, k: 5, mode: .dense, parameters: exact)
        let y = try await pg.search(q, k: 5, mode: .dense, parameters: exact)
        #expect(x.map(\.chunk) == y.map(\.chunk), "'\(q)'")
        #expect(x.map(\.matchedTerms) == y.map(\.matchedTerms), "'\(q)'")
      }
      let compared = strict
      let all = total
      #expect(compared * 2 >= all, "hybrid compared strictly on only \(compared) of \(all) queries")
    }
  }

  @Test(.enabled(if: SharedData.has("retrieval/scifact/corpus.jsonl.xz"), "needs ../shared/data"))
  func sameRankingsAsSQLiteOnSciFactText() async throws {
    let corpus = try #require(SharedData.path("retrieval/scifact/corpus.jsonl.xz"))
    let queryFile = try #require(SharedData.path("retrieval/scifact/queries.jsonl"))
    let docs = Array(try DocumentFiles.read(paths: [corpus]).prefix(600))
    let texts = try BEIRMetrics.readQueries(path: queryFile).sorted { $0.key < $1.key }.prefix(40)
    let sqlite = try RetrievalIndex(
      path: makeTemporaryDirectory("pg-scifact").appendingPathComponent("i.sqlite").path,
      encoder: HashingEncoder(), create: true)
    try await sqlite.add(documents: docs)
    try await PostgresTestServer.withFreshStore { store in
      let pg = try await StoreIndex(store: store, encoder: HashingEncoder(), create: true)
      try await pg.add(documents: docs)
      let exact = SearchParameters(ef: nil)
      var strict = 0
      for (_, q) in texts {
        var same = true
        for mode in [SearchMode.bm25, .dense] {
          let x = try sqlite.rank(q, depth: 100, mode: mode, parameters: exact)
          let y = try await pg.rank(q, depth: 100, mode: mode, parameters: exact)
          if !expectSameUpToTies(x, y, "\(mode) '\(q)'") { same = false }
        }
        guard same else { continue }  // near-ties (checked above) may move fused ranks
        strict += 1
        let x = try sqlite.rank(q, depth: 10, mode: .hybrid, parameters: exact)
        let y = try await pg.rank(q, depth: 10, mode: .hybrid, parameters: exact)
        expectSame(x, y, "hybrid '\(q)'")
      }
      let compared = strict
      #expect(compared * 2 >= texts.count, "hybrid compared strictly on only \(compared) queries")
    }
  }

  @Test func recordsTheEncoderAndRefusesAnother() async throws {
    try await PostgresTestServer.withFreshStore { store in
      let index = try await StoreIndex(store: store, encoder: HashingEncoder(), create: true)
      try await index.add(documents: syntheticDocuments(3))
      #expect(try await index.recordedEncoder() == HashingEncoder().descriptor)
      await #expect(throws: EmbeddingError.self) {
        _ = try await StoreIndex(store: store, encoder: HashingEncoder(dimension: 64))
      }
      do {
        _ = try await StoreIndex(store: store, encoder: HashingEncoder(name: "other"))
        Issue.record("another encoder was accepted")
      } catch {
        #expect("\(error)".contains("holds vectors of test 'hashing-test'"))
      }
      let bm25Only = try await StoreIndex(store: store, encoder: nil)
      await #expect(throws: EmbeddingError.self) {
        try await bm25Only.add(documents: syntheticDocuments(1))
      }
      // A different chunking on an existing index is refused, as in SQLite.
      await #expect(throws: EmbeddingError.self) {
        _ = try await StoreIndex(
          store: store, encoder: nil, chunking: ChunkingOptions(tokens: 99, overlap: 1))
      }
    }
  }

  @Test func replacesUnchangedAndRemoves() async throws {
    try await PostgresTestServer.withFreshStore { store in
      let index = try await StoreIndex(
        store: store, encoder: HashingEncoder(), chunking: ChunkingOptions(tokens: 12, overlap: 0),
        create: true)
      let sentences = (0..<6).map { "Sentence number \($0) talks about topic \($0)." }
      let doc = RetrievalDocument(id: "long", text: sentences.joined(separator: " "))
      let first = try await index.add(documents: [doc] + syntheticDocuments(4))
      #expect(first.added == 5)
      let rerun = try await index.add(documents: [doc])
      #expect(rerun.unchanged == 1 && rerun.chunksEmbedded == 0)
      var changed = sentences
      changed[5] = "Sentence number 5 is now about zebras."
      let update = try await index.add(
        documents: [RetrievalDocument(id: "long", text: changed.joined(separator: " "))])
      #expect(update.replaced == 1 && update.chunksEmbedded == 1 && update.chunksReused >= 2)
      let hits = try await index.search("zebras", k: 1, mode: .bm25)
      #expect(hits.first?.id == "long")
      #expect(hits.first?.matchedTerms == ["zebras"])
      #expect(try await index.remove(ids: ["long", "absent"]) == 1)
      #expect(try await index.search("zebras", k: 3, mode: .bm25).isEmpty)
      #expect(try await index.info().documents == 4)
    }
  }

  @Test func hnswFindsWhatExactSearchFinds() async throws {
    try await PostgresTestServer.withFreshStore { store in
      let index = try await StoreIndex(store: store, encoder: HashingEncoder(), create: true)
      try await index.add(documents: syntheticDocuments(200))
      #expect(try await index.hasApproximateIndex() == false)
      let seconds = try await index.buildApproximateIndex()
      #expect(seconds != nil)
      #expect(try await index.hasApproximateIndex())
      var found = 0
      var total = 0
      for q in queries {
        let exact = try await index.rank(q, depth: 10, mode: .dense, parameters: .init(ef: nil))
        let approx = try await index.rank(q, depth: 10, mode: .dense, parameters: .init(ef: 200))
        found += Set(exact.map(\.id)).intersection(approx.map(\.id)).count
        total += exact.count
      }
      #expect(Double(found) / Double(total) >= 0.9, "recall@10 \(found)/\(total)")
    }
  }
}
#endif
