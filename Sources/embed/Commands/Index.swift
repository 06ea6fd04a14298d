import ArgumentParser
import EmbeddingCore
import Foundation
import Retrieval

/// `embed index add|remove|info`: build and inspect a retrieval index (one SQLite file).
struct Index: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Build and inspect a retrieval index (documents, chunks, vectors, BM25) in one SQLite file or PostgreSQL.",
    discussion: """
      Examples:
        embed index add docs.sqlite corpus.jsonl --model path/to/all-MiniLM-L6-v2
        embed index add notes.sqlite notes/            # every .txt/.md file, one document each
        cat a.txt | embed index add notes.sqlite -      # stdin
        embed index info docs.sqlite
        embed index remove docs.sqlite 4983 5836
        embed index add --store postgres://me@localhost:5432/docs corpus.jsonl --model all-MiniLM-L6-v2
      Search it with `embed search INDEX "query"`.
      """,
    subcommands: [IndexAdd.self, IndexRemove.self, IndexInformation.self])
}

/// `embed index remove INDEX ID...`.
struct IndexRemove: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove",
    abstract: "Remove documents (and their chunks) by id, in one transaction.")

  @Argument(help: "The index file or postgres:// URL (left out with --store).")
  var index: String

  @Argument(help: "Document ids.")
  var ids: [String] = []

  @OptionGroup var storeOptions: StoreOptions

  func run() async throws {
    let (location, ids) = try storeOptions.locate([index] + self.ids)
    guard !ids.isEmpty else { throw ValidationError("give the ids of the documents to remove") }
    let idx = try await IndexStore.open(location, encoder: nil)
    let n = try await idx.remove(ids: ids)
    print("removed \(n) of \(ids.count) documents")
  }
}

/// `embed index info INDEX`.
struct IndexInformation: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Print an index's counts, encoder and chunk settings.")

  @Argument(help: "The index file or postgres:// URL (left out with --store).")
  var index: String?

  @OptionGroup var storeOptions: StoreOptions

  @Flag(help: "Print JSON.")
  var json = false

  func run() async throws {
    let (location, rest) = try storeOptions.locate(index.map { [$0] } ?? [])
    guard rest.isEmpty else { throw ValidationError("unexpected argument '\(rest[0])'") }
    let idx = try await IndexStore.open(location, encoder: nil)
    let info = try await idx.summary()
    let spec = try await idx.attribute("encoder")
    if json {
      try printJSON(
        IndexInfoJSON(
          location: info.location, formatVersion: info.formatVersion, documents: info.documents,
          chunks: info.chunks, vectors: info.vectors, chunkTokens: info.chunkTokens,
          chunkOverlap: info.overlapTokens, bytes: info.bytes,
          encoder: info.encoder.map {
            .init(
              kind: $0.kind, name: $0.name, dimension: $0.dimension, fingerprint: $0.fingerprint)
          }, encoderSpec: spec))
      return
    }
    print(
      "index       \(info.location) (format \(info.formatVersion), \(ByteCount.format(info.bytes)))"
    )
    print("documents   \(info.documents)")
    print("chunks      \(info.chunks) (\(info.chunkTokens) tokens, \(info.overlapTokens) overlap)")
    print("vectors     \(info.vectors)")
    if let e = info.encoder {
      print(
        "encoder     \(e.kind) '\(e.name)', dimension \(e.dimension), fingerprint \(e.fingerprint)")
      if let spec { print("loaded as   \(spec)") }
    } else {
      print("encoder     none (BM25 only)")
    }
  }
}

/// `embed index info --json`.
private struct IndexInfoJSON: Encodable {
  struct Encoder: Encodable {
    let kind: String
    let name: String
    let dimension: Int
    let fingerprint: String
  }
  let location: String
  let formatVersion: Int
  let documents: Int
  let chunks: Int
  let vectors: Int
  let chunkTokens: Int
  let chunkOverlap: Int
  let bytes: Int
  let encoder: Encoder?
  let encoderSpec: String?

  enum CodingKeys: String, CodingKey {
    case location, documents, chunks, vectors, bytes, encoder
    case formatVersion = "format_version"
    case chunkTokens = "chunk_tokens"
    case chunkOverlap = "chunk_overlap"
    case encoderSpec = "encoder_spec"
  }
}
