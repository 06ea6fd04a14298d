import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Retrieval

private let animals: [RetrievalDocument] = [
  RetrievalDocument(
    id: "cat", title: "Cats",
    text: "Cats purr when they are content. A cat sleeps most of the day.",
    metadata: ["kind": "mammal"]),
  RetrievalDocument(
    id: "dog", title: "Dogs", text: "Dogs bark at strangers. A dog enjoys long walks in the park.",
    metadata: ["kind": "mammal"]),
  RetrievalDocument(
    id: "eagle", title: "Eagles",
    text: "Eagles soar over mountains and hunt fish with sharp talons.",
    metadata: ["kind": "bird"]),
]

private func tempIndex() -> String {
  makeTemporaryDirectory("retrieval").appendingPathComponent("index.sqlite").path
}

@Suite struct RetrievalIndexTests {
  @Test func addThenSearchInEveryMode() async throws {
    let path = tempIndex()
    let index = try RetrievalIndex(path: path, encoder: HashingEncoder(), create: true)
    let summary = try await index.add(documents: animals)
    #expect(summary.added == 3)
    let info = try index.info
    #expect(info.documents == 3)
    #expect(info.chunks == 3)
    #expect(info.vectors == 3)
    #expect(info.encoder?.name == "hashing-test")

    for mode in SearchMode.allCases {
      let hits = try await index.search("why does a cat purr", k: 2, mode: mode)
      #expect(hits.first?.id == "cat", "mode \(mode)")
      #expect(hits.count == (mode == .bm25 ? 1 : 2))  // BM25: only "cat" holds a query word
    }
    let bm25 = try await index.search("eagles hunt fish", k: 3, mode: .bm25)
    #expect(bm25.map(\.id) == ["eagle"])  // only one document holds any of the words
    #expect(bm25[0].matchedTerms == ["eagles", "fish", "hunt"])
    #expect(bm25[0].chunk.contains("talons"))

    // Reopening finds the same data.
    let again = try RetrievalIndex(path: path, encoder: HashingEncoder())
    #expect(try again.info.documents == 3)
    let dense = try await again.search("dog bark", k: 1, mode: .dense)
    #expect(dense.first?.id == "dog")
  }

  @Test func sameIdReplacesAndReembedsOnlyChangedChunks() async throws {
    let encoder = HashingEncoder()
    let index = try RetrievalIndex(
      path: tempIndex(), encoder: encoder, chunking: ChunkingOptions(tokens: 12, overlap: 0),
      create: true)
    let sentences = (0..<6).map { "Sentence number \($0) talks about topic \($0)." }
    let doc = RetrievalDocument(id: "long", text: sentences.joined(separator: " "))
    let first = try await index.add(documents: [doc])
    let chunkCount = try index.info.chunks
    #expect(chunkCount >= 3)
    #expect(first.chunksEmbedded == chunkCount)

    // Unchanged: skipped entirely.
    encoder.log.reset()
    let rerun = try await index.add(documents: [doc])
    #expect(rerun.unchanged == 1 && rerun.added == 0 && rerun.chunksEmbedded == 0)
    #expect(encoder.log.all.isEmpty)

    // Change the last sentence only: one chunk is embedded again, the others are reused.
    var changed = sentences
    changed[5] = "Sentence number 5 is now about zebras."
    let update = try await index.add(
      documents: [RetrievalDocument(id: "long", text: changed.joined(separator: " "))])
    #expect(update.replaced == 1)
    #expect(update.chunksEmbedded == 1)
    #expect(update.chunksReused == chunkCount - 1)
    #expect(encoder.log.all.count == 1 && encoder.log.all[0].contains("zebras"))
    #expect(try index.info.documents == 1)
    let hits = try await index.search("zebras", mode: .bm25)
    #expect(hits.map(\.id) == ["long"])
    #expect(hits[0].chunk.contains("zebras"))
    let old = try await index.search("topic 5", mode: .bm25)
    #expect(old.first.map { !$0.chunk.contains("topic 5") } ?? true)
  }

  @Test func removeDeletesFromBothSearches() async throws {
    let index = try RetrievalIndex(path: tempIndex(), encoder: HashingEncoder(), create: true)
    try await index.add(documents: animals)
    let removed = try await index.remove(ids: ["cat", "unknown"])
    #expect(removed == 1)
    let info = try index.info
    #expect(info.documents == 2 && info.chunks == 2)
    #expect(try await index.search("cat purr", mode: .bm25).isEmpty)
    let dense = try await index.search("cat purr", k: 5, mode: .dense)
    #expect(!dense.map(\.id).contains("cat"))
    #expect(dense.count == 2)
  }

  @Test func metadataFilter() async throws {
    let index = try RetrievalIndex(path: tempIndex(), encoder: HashingEncoder(), create: true)
    try await index.add(documents: animals)
    let birds = try await index.search(
      "cat dog eagle", k: 5, mode: .hybrid, filter: ["kind": "bird"])
    #expect(birds.map(\.id) == ["eagle"])
    #expect(birds[0].metadata == ["kind": "bird"])
    let none = try await index.search("cat", k: 5, mode: .dense, filter: ["kind": "fish"])
    #expect(none.isEmpty)
  }

  @Test func refusesAnotherEncoderNamingBoth() async throws {
    let path = tempIndex()
    let index = try RetrievalIndex(path: path, encoder: HashingEncoder(dimension: 64), create: true)
    try await index.add(documents: animals)
    #expect {
      _ = try RetrievalIndex(path: path, encoder: HashingEncoder(dimension: 32, name: "other"))
    } throws: { error in
      let text = "\(error)"
      return text.contains("hashing-test") && text.contains("other")
        && text.contains("dimension 32")
    }
    // BM25 search needs no encoder.
    let lexical = try RetrievalIndex(path: path, encoder: nil)
    #expect(try await lexical.search("eagles", mode: .bm25).first?.id == "eagle")
    await #expect(throws: EmbeddingError.self) { try await lexical.search("eagles", mode: .dense) }
    await #expect(throws: EmbeddingError.self) { try await lexical.add(documents: animals) }
  }

  @Test func missingAndNonSQLiteFilesFailClearly() throws {
    let dir = makeTemporaryDirectory("retrieval")
    let missing = dir.appendingPathComponent("none.sqlite").path
    #expect {
      _ = try RetrievalIndex(path: missing, encoder: nil)
    } throws: { "\($0)".contains("no index here") }
    #expect(!FileManager.default.fileExists(atPath: missing))

    let junk = dir.appendingPathComponent("junk.sqlite").path
    try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: junk))
    #expect {
      _ = try RetrievalIndex(path: junk, encoder: nil)
    } throws: { "\($0)".contains("not a SQLite database") }
  }

  @Test func emptyQueryAndBadK() async throws {
    let index = try RetrievalIndex(path: tempIndex(), encoder: HashingEncoder(), create: true)
    try await index.add(documents: animals)
    await #expect(
      throws: EmbeddingError.invalidArgument("the query is empty; give words to search for")
    ) {
      try await index.search("   ", mode: .hybrid)
    }
    await #expect(throws: EmbeddingError.self) { try await index.search("cat", k: 0) }
    // Only stop words: BM25 finds nothing, without an error.
    #expect(try await index.search("the of and", mode: .bm25).isEmpty)
  }

  @Test func queryVectorOfWrongDimensionIsRefused() async throws {
    let path = tempIndex()
    let index = try RetrievalIndex(path: path, encoder: HashingEncoder(dimension: 64), create: true)
    try await index.add(documents: animals)
    // An encoder whose descriptor claims 64 dimensions but returns 16.
    let liar = LyingEncoder(
      inner: HashingEncoder(dimension: 16), claimed: HashingEncoder(dimension: 64).descriptor)
    let opened = try RetrievalIndex(path: path, encoder: liar)
    await #expect {
      try await opened.search("cat", mode: .dense)
    } throws: { "\($0)".contains("16 dimensions") }
  }

  @Test func twoWritersOneWaitsOrFailsClearly() async throws {
    let path = tempIndex()
    let a = try RetrievalIndex(path: path, encoder: nil, create: true)
    let b = try RetrievalIndex(path: path, encoder: nil, busyTimeout: 0.2)
    let patient = try RetrievalIndex(path: path, encoder: nil, busyTimeout: 10)
    let started = DispatchSemaphore(value: 0)
    let holder = Thread {
      _ = try? a.write { _ in
        started.signal()
        Thread.sleep(forTimeInterval: 1.0)
      }
    }
    holder.start()
    started.wait()
    await #expect {
      try await b.add(documents: animals)
    } throws: { "\($0)".contains("another process is writing") }
    let waited = try await patient.add(documents: animals)
    #expect(waited.added == 3)
    #expect(try a.info.documents == 3)
  }
}

/// Claims one descriptor, returns vectors of another length.
private struct LyingEncoder: TextEncoder {
  let inner: HashingEncoder
  let claimed: EncoderDescriptor
  var descriptor: EncoderDescriptor { claimed }
  func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    try inner.encode(texts, role: role)
  }
  func tokenSpans(of text: String) -> [Range<Int>] { inner.tokenSpans(of: text) }
}
