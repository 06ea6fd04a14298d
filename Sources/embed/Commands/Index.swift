import ArgumentParser
import EmbeddingCore
import Foundation
import Retrieval

/// `embed index add|remove|info`: build and inspect a retrieval index (one SQLite file).
struct Index: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Build and inspect a retrieval index (documents, chunks, vectors, BM25) in one SQLite file.",
    discussion: """
      Examples:
        embed index add docs.sqlite corpus.jsonl --model path/to/all-MiniLM-L6-v2
        embed index add notes.sqlite notes/            # every .txt/.md file, one document each
        cat a.txt | embed index add notes.sqlite -      # stdin
        embed index info docs.sqlite
        embed index remove docs.sqlite 4983 5836
      Search it with `embed search INDEX "query"`.
      """,
    subcommands: [IndexAdd.self, IndexRemove.self, IndexInformation.self])
}

/// `embed index remove INDEX ID...`.
struct IndexRemove: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "remove",
    abstract: "Remove documents (and their chunks) by id, in one transaction.")

  @Argument(help: "The index file.")
  var index: String

  @Argument(help: "Document ids.")
  var ids: [String]

  func run() async throws {
    let idx = try RetrievalIndex(path: index, encoder: nil)
    let n = try await idx.remove(ids: ids)
    print("removed \(n) of \(ids.count) documents")
  }
}

/// `embed index info INDEX`.
struct IndexInformation: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Print an index's counts, encoder and chunk settings.")

  @Argument(help: "The index file.")
  var index: String

  @Flag(help: "Print JSON.")
  var json = false

  func run() async throws {
    let idx = try RetrievalIndex(path: index, encoder: nil)
    let info = try idx.info
    let spec = try idx.attribute("encoder")
    if json {
      var object: [String: Any] = [
        "location": info.location, "format_version": info.formatVersion,
        "documents": info.documents, "chunks": info.chunks, "vectors": info.vectors,
        "chunk_tokens": info.chunkTokens, "chunk_overlap": info.overlapTokens, "bytes": info.bytes,
      ]
      if let e = info.encoder {
        object["encoder"] = [
          "kind": e.kind, "name": e.name, "dimension": e.dimension, "fingerprint": e.fingerprint,
        ]
      }
      if let spec { object["encoder_spec"] = spec }
      try printJSON(object)
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
