import ArgumentParser
import EmbeddingCore
import Foundation
import Retrieval

/// `--store postgres://user@host:port/db`: keep the index in PostgreSQL + pgvector instead of a file.
///
/// The index argument may also be the URL itself. `embed` does not link PostgresNIO: it starts
/// `embed-postgres` (a separate product built next to it) and talks to it over a pipe.
struct StoreOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "PostgreSQL + pgvector store (postgres://user[:password]@host:port/db[?schema=name]) instead of an index file; the INDEX argument is then left out.",
      valueName: "url"))
  var store: String?

  /// The index location and the remaining positional arguments: with --store every positional is
  /// shifted by one (the first one is not an index).
  func locate(_ positionals: [String]) throws -> (location: String, rest: [String]) {
    if let store {
      guard IndexStore.isURL(store) else {
        throw ValidationError(
          "--store takes a postgres://user@host:port/db URL; for an index file give it as INDEX")
      }
      return (store, positionals)
    }
    guard let first = positionals.first else {
      throw ValidationError("give the index file (or --store postgres://…)")
    }
    return (first, Array(positionals.dropFirst()))
  }
}

/// Opens an index wherever it lives: a SQLite file or a PostgreSQL store through `embed-postgres`.
enum IndexStore {
  /// Whether `location` names a PostgreSQL store.
  static func isURL(_ location: String) -> Bool {
    location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
  }

  /// What `existing` found: the index (nil when there is none yet) and the store process to re-use.
  struct Found {
    var index: (any SearchableIndex)?
    var store: (any RetrievalStore)?
  }

  /// The existing index at `location` opened without an encoder (to read what it records); a
  /// store's own errors, such as a server that is down, are thrown.
  static func existing(_ location: String) async throws -> Found {
    guard isURL(location) else {
      guard FileManager.default.fileExists(atPath: location) else { return Found() }
      return Found(index: try RetrievalIndex(path: location, encoder: nil))
    }
    let store = try pipeStore(location)
    do {
      return Found(index: try await StoreIndex(store: store, encoder: nil), store: store)
    } catch EmbeddingError.io(_, let reason) where reason.hasPrefix("no index here") {
      return Found(store: store)
    }
  }

  /// Opens (or with `create`, creates) the index at `location`, re-using the store process of
  /// `found` (from `existing`) when there is one.
  static func open(
    _ location: String, reusing found: Found? = nil,
    encoder: (any TextEncoder)?, chunking: ChunkingOptions? = nil, create: Bool = false
  ) async throws -> any SearchableIndex {
    guard isURL(location) else {
      return try RetrievalIndex(
        path: location, encoder: encoder, chunking: chunking, create: create)
    }
    let store = try found?.store ?? pipeStore(location)
    return try await StoreIndex(store: store, encoder: encoder, chunking: chunking, create: create)
  }

  /// The HNSW index of a PostgreSQL store: built when `ann` is `always`, or `auto` with at least
  /// `RetrievalIndex.approximateSearchThreshold` vectors and no index yet.
  static func buildApproximateIndexIfWanted(_ index: any SearchableIndex, ann: String) async throws
    -> Double?
  {
    guard let store = index as? StoreIndex else { return nil }
    switch ann {
    case "always":
      return try await store.buildApproximateIndex()
    case "auto":
      let vectors = try await store.info().vectors
      guard vectors >= RetrievalIndex.approximateSearchThreshold,
        try await !store.hasApproximateIndex()
      else { return nil }
      return try await store.buildApproximateIndex()
    default:
      return nil
    }
  }

  /// One `embed-postgres` process per opened URL (kept for the life of the command).
  private static func pipeStore(_ url: String) throws -> PipeStore {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let program = executable.deletingLastPathComponent().appendingPathComponent("embed-postgres")
      .path
    guard FileManager.default.isExecutableFile(atPath: program) else {
      throw ValidationError(
        """
        the PostgreSQL store needs embed-postgres next to \(executable.path). Build it (a few \
        minutes: it brings SwiftNIO and PostgresNIO) with `swift build -c release --traits Postgres \
        --product embed-postgres` (or without -c release in debug), then run the command again.
        """)
    }
    return try PipeStore(executable: program, url: url, location: redacted(url))
  }

  /// `url` without its password.
  static func redacted(_ url: String) -> String {
    guard var parts = URLComponents(string: url), parts.password != nil else { return url }
    parts.password = nil
    return parts.string ?? url
  }
}

extension IndexEncoderOptions {
  /// The encoder spec from the options, or the one recorded in an opened index.
  func spec(recordedInIndex index: (any SearchableIndex)?) async throws -> EncoderSpec {
    if encoder != nil || model != nil { return try spec(recordedIn: nil as String?) }
    if let index, let text = try await index.attribute("encoder"),
      let spec = EncoderSpec(recorded: text)
    {
      return spec
    }
    return try EncoderSpec(kind: "none", model: nil)
  }
}
