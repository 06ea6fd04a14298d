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

@Suite(.enabled(if: PostgresTestServer.isAvailable, "needs EMBEDDINGKIT_POSTGRES_URL"), .serialized)
struct PostgresParityTests {
  @Test func sameIdsAndScoresAsSQLiteInEveryMode() async throws {
    let docs = syntheticDocuments(80)
    let chunking = ChunkingOptions(tokens: 16, overlap: 2)
    let sqlite = try RetrievalIndex(
      path: makeTemporaryDirectory("pg-parity").appendingPathComponent("i.sqlite").path,
      encoder: HashingEncoder(), chunking: chunking, create: true)
    try await sqlite.add(documents: docs, batchSize: 16)
    let store = try await PostgresTestServer.freshStore()
    let pg = try await StoreIndex(
      store: store, encoder: HashingEncoder(), chunking: chunking, create: true)
    try await pg.add(documents: docs, batchSize: 16)

    let a = try sqlite.info
    let b = try await pg.info()
    #expect(a.documents == b.documents && a.chunks == b.chunks && a.vectors == b.vectors)
    #expect(b.chunks > b.documents)  // several chunks per document

    let exact = SearchParameters(ef: nil)
    for q in queries {
      for mode in SearchMode.allCases {
        for filter in [[:], ["group": "g1"]] {
          let x = try sqlite.rank(q, depth: 10, mode: mode, filter: filter, parameters: exact)
          let y = try await pg.rank(q, depth: 10, mode: mode, filter: filter, parameters: exact)
          expectSame(x, y, "\(mode) '\(q)' \(filter)")
        }
      }
      // Dense hits show the same best chunk.
      let x = try await sqlite.search(q, k: 5, mode: .dense, parameters: exact)
      let y = try await pg.search(q, k: 5, mode: .dense, parameters: exact)
      #expect(x.map(\.chunk) == y.map(\.chunk), "'\(q)'")
      #expect(x.map(\.matchedTerms) == y.map(\.matchedTerms), "'\(q)'")
    }
    await PostgresTestServer.drop(store)
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
    let store = try await PostgresTestServer.freshStore()
    let pg = try await StoreIndex(store: store, encoder: HashingEncoder(), create: true)
    try await pg.add(documents: docs)
    let exact = SearchParameters(ef: nil)
    for (_, q) in texts {
      for mode in SearchMode.allCases {
        let x = try sqlite.rank(q, depth: 10, mode: mode, parameters: exact)
        let y = try await pg.rank(q, depth: 10, mode: mode, parameters: exact)
        expectSame(x, y, "\(mode) '\(q)'")
      }
    }
    await PostgresTestServer.drop(store)
  }

  @Test func recordsTheEncoderAndRefusesAnother() async throws {
    let store = try await PostgresTestServer.freshStore()
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
    await PostgresTestServer.drop(store)
  }

  @Test func replacesUnchangedAndRemoves() async throws {
    let store = try await PostgresTestServer.freshStore()
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
    await PostgresTestServer.drop(store)
  }

  @Test func hnswFindsWhatExactSearchFinds() async throws {
    let store = try await PostgresTestServer.freshStore()
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
    await PostgresTestServer.drop(store)
  }
}
