import EmbeddingCore
import Foundation
import GRDB

/// A retrieval index in one SQLite file: documents, their chunks and vectors, and an FTS5 table for
/// BM25; searched densely, by BM25 or both fused.
///
/// Writes go in one transaction per batch in WAL mode, so a reader never sees half a batch and a
/// killed writer leaves every batch committed before it; adding the same documents again skips the
/// unchanged ones (a rerun resumes). The index records the encoder and refuses another one.
///
/// ```swift
/// let index = try RetrievalIndex(path: "docs.sqlite", encoder: encoder, create: true)
/// try await index.add(documents: [RetrievalDocument(id: "1", text: "Cats purr.")])
/// let hits = try await index.search("why do cats purr", k: 5, mode: .hybrid)
/// ```
public final class RetrievalIndex: @unchecked Sendable {
  /// The index file.
  public let path: String
  /// The encoder used to embed chunks and queries; nil for a BM25-only index.
  public let encoder: (any TextEncoder)?
  /// Chunk size and overlap (recorded in the file when it is created).
  public let chunking: ChunkingOptions

  let pool: DatabasePool
  private let lock = NSLock()
  private var cachedSnapshot: IndexSnapshot?

  /// Opens the index at `path`, creating it when `create` is true.
  ///
  /// - Parameters:
  ///   - encoder: embeds chunks and queries; must be the encoder the index was built with (nil: BM25
  ///     only, which can still search an index built with an encoder by BM25).
  ///   - chunking: chunk options for a new index; for an existing one nil takes the recorded options,
  ///     and other values are refused.
  ///   - busyTimeout: seconds a writer waits for another writer before failing.
  public init(
    path: String, encoder: (any TextEncoder)?, chunking: ChunkingOptions? = nil,
    create: Bool = false, busyTimeout: Double = 30
  ) throws(EmbeddingError) {
    self.path = path
    self.encoder = encoder
    let exists = FileManager.default.fileExists(atPath: path)
    if !exists && !create {
      throw .io(
        path: path,
        reason: "no index here; create one with `embed index add \(path) FILES...`")
    }
    var config = Configuration()
    config.busyMode = .timeout(busyTimeout)
    config.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
    }
    do {
      pool = try DatabasePool(path: path, configuration: config)
      let recorded = try pool.writeWithoutTransaction { db -> ChunkingOptions? in
        var result: ChunkingOptions?
        try db.inTransaction(.immediate) {
          result = try Self.prepareSchema(db, path: path, chunking: chunking)
          return .commit
        }
        return result
      }
      self.chunking = recorded ?? chunking ?? ChunkingOptions()
    } catch let error as EmbeddingError {
      throw error
    } catch {
      throw Self.mapError(error, path: path)
    }
    if let encoder { try checkEncoder(encoder.descriptor) }
  }

  /// Creates the schema in an empty file or checks an existing one; returns the recorded chunking.
  private static func prepareSchema(
    _ db: Database, path: String, chunking: ChunkingOptions?
  ) throws -> ChunkingOptions? {
    let hasMeta = try db.tableExists("meta")
    if !hasMeta {
      let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
      guard tables == 0 else {
        throw EmbeddingError.malformed(
          path: path, location: "byte 0",
          reason: "a SQLite database but not an EmbeddingKit index (no meta table); use a new file")
      }
      let options = chunking ?? ChunkingOptions()
      try options.validate()
      try IndexSchema.create(db)
      try IndexSchema.setMeta(db, "chunk_tokens", String(options.tokens))
      try IndexSchema.setMeta(db, "chunk_overlap", String(options.overlap))
      return options
    }
    let version = try IndexSchema.meta(db, "format_version").flatMap { Int($0) } ?? -1
    guard version == IndexSchema.formatVersion else {
      throw EmbeddingError.malformed(
        path: path, location: "meta.format_version",
        reason:
          "index format \(version), this EmbeddingKit reads \(IndexSchema.formatVersion); rebuild the index"
      )
    }
    let tokens = try IndexSchema.meta(db, "chunk_tokens").flatMap { Int($0) } ?? 256
    let overlap = try IndexSchema.meta(db, "chunk_overlap").flatMap { Int($0) } ?? 32
    let recorded = ChunkingOptions(tokens: tokens, overlap: overlap)
    if let chunking, chunking != recorded {
      throw EmbeddingError.invalidArgument(
        "\(path) cuts chunks of \(tokens) tokens with \(overlap) overlap, not \(chunking.tokens)/\(chunking.overlap); omit the chunk options or use a new index"
      )
    }
    return recorded
  }

  /// The encoder recorded in the index, if any.
  public func recordedEncoder() throws(EmbeddingError) -> EncoderDescriptor? {
    try read { db in try Self.recordedEncoder(db) }
  }

  static func recordedEncoder(_ db: Database) throws -> EncoderDescriptor? {
    guard let json = try IndexSchema.meta(db, "encoder") else { return nil }
    return try JSONDecoder().decode(EncoderDescriptor.self, from: Data(json.utf8))
  }

  /// Throws when the index holds vectors of an encoder other than `descriptor`.
  func checkEncoder(_ descriptor: EncoderDescriptor) throws(EmbeddingError) {
    guard let recorded = try recordedEncoder() else { return }
    try Self.requireSame(recorded: recorded, given: descriptor, path: path)
  }

  static func requireSame(
    recorded: EncoderDescriptor, given: EncoderDescriptor, path: String
  ) throws(EmbeddingError) {
    guard recorded != given else { return }
    throw .invalidArgument(
      "\(path) holds vectors of \(describe(recorded)); this encoder is \(describe(given)). Open it with the encoder it was built with, or index into a new file"
    )
  }

  static func describe(_ d: EncoderDescriptor) -> String {
    "\(d.kind) '\(d.name)' (dimension \(d.dimension), fingerprint \(d.fingerprint.prefix(12)))"
  }

  /// Summary counts and settings of the index.
  public var info: IndexInfo {
    get throws(EmbeddingError) {
      let counts = try read { db -> (Int, Int, Int, EncoderDescriptor?) in
        let docs = try Int.fetchOne(db, sql: "SELECT count(*) FROM documents") ?? 0
        let chunks = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks") ?? 0
        let vectors =
          try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks WHERE vector IS NOT NULL") ?? 0
        return (docs, chunks, vectors, try Self.recordedEncoder(db))
      }
      var bytes = 0
      for suffix in ["", "-wal"] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
        bytes += (attributes?[.size] as? NSNumber)?.intValue ?? 0
      }
      return IndexInfo(
        location: path, formatVersion: IndexSchema.formatVersion, documents: counts.0,
        chunks: counts.1, vectors: counts.2,
        encoder: counts.3.map {
          EncoderDescriptorSummary(
            kind: $0.kind, name: $0.name, dimension: $0.dimension, fingerprint: $0.fingerprint)
        }, chunkTokens: chunking.tokens, overlapTokens: chunking.overlap, bytes: bytes)
    }
  }

  /// Removes the documents with these ids (and their chunks); returns how many were present.
  /// All removals happen in one transaction.
  @discardableResult
  public func remove(ids: [String]) async throws(EmbeddingError) -> Int {
    try write { db in
      var removed = 0
      for id in ids {
        guard
          let row = try Row.fetchOne(
            db, sql: "SELECT rowid, title, text FROM documents WHERE id = ?", arguments: [id])
        else { continue }
        let rowid: Int64 = row[0]
        let body = RetrievalDocument(id: id, title: row[1], text: row[2]).body
        try db.execute(
          sql: "INSERT INTO documents_fts(documents_fts, rowid, body) VALUES ('delete', ?, ?)",
          arguments: [rowid, body])
        try db.execute(sql: "DELETE FROM chunks WHERE doc = ?", arguments: [rowid])
        try db.execute(sql: "DELETE FROM documents WHERE rowid = ?", arguments: [rowid])
        removed += 1
      }
      if removed > 0 { try IndexSchema.bumpGeneration(db) }
      return removed
    }
  }

  // MARK: - Database access with errors mapped to EmbeddingError

  func read<T>(_ body: (Database) throws -> T) throws(EmbeddingError) -> T {
    do {
      return try pool.read(body)
    } catch let error as EmbeddingError {
      throw error
    } catch {
      throw Self.mapError(error, path: path)
    }
  }

  /// Runs `body` in one IMMEDIATE transaction (waits up to the busy timeout for another writer).
  func write<T>(_ body: (Database) throws -> T) throws(EmbeddingError) -> T {
    do {
      return try pool.writeWithoutTransaction { db in
        var result: T?
        try db.inTransaction(.immediate) {
          result = try body(db)
          return .commit
        }
        guard let result else { throw EmbeddingError.cancelled }
        return result
      }
    } catch let error as EmbeddingError {
      throw error
    } catch {
      throw Self.mapError(error, path: path)
    }
  }

  /// The cached snapshot of vectors and lengths, reloaded when another batch was committed.
  func snapshot(needVectors: Bool) throws(EmbeddingError) -> IndexSnapshot {
    let dimension = encoder?.dimension ?? 0
    return try read { db in
      let generation = try IndexSchema.generation(db)
      lock.lock()
      let cached = cachedSnapshot
      lock.unlock()
      if let cached, cached.generation == generation, !needVectors || cached.hasVectors {
        return cached
      }
      let fresh = try IndexSnapshot.load(
        db, generation: generation, dimension: needVectors ? dimension : 0, path: path)
      lock.lock()
      cachedSnapshot = fresh
      lock.unlock()
      return fresh
    }
  }

  /// Forgets the cached snapshot (after writing the HNSW graph).
  func dropSnapshot() {
    lock.lock()
    cachedSnapshot = nil
    lock.unlock()
  }

  static func mapError(_ error: any Error, path: String) -> EmbeddingError {
    if let error = error as? EmbeddingError { return error }
    if let db = error as? DatabaseError {
      switch db.resultCode {
      case .SQLITE_NOTADB:
        return .malformed(
          path: path, location: "byte 0",
          reason: "not a SQLite database; an index is a SQLite file made by `embed index add`")
      case .SQLITE_BUSY, .SQLITE_LOCKED:
        return .io(
          path: path,
          reason:
            "another process is writing this index and did not finish in time; wait for it and run again"
        )
      case .SQLITE_CORRUPT:
        return .malformed(
          path: path, location: "database", reason: "the index file is damaged; rebuild it")
      case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
        return .io(
          path: path,
          reason: "cannot open for writing (\(db.message ?? "\(db.resultCode)")); check permissions"
        )
      default:
        return .io(path: path, reason: "database error: \(db.message ?? "\(db.resultCode)")")
      }
    }
    return .io(path: path, reason: "\(error)")
  }
}
