import EmbeddingCore
import Foundation

/// What the CLI and the server do with an index, whichever store holds it: `RetrievalIndex` (one
/// SQLite file) and `StoreIndex` (PostgreSQL) both conform.
///
/// ```swift
/// let index: any SearchableIndex = try RetrievalIndex(path: "docs.sqlite", encoder: encoder)
/// let hits = try await index.search("cats", k: 5, mode: .hybrid, filter: [:], parameters: .init())
/// ```
public protocol SearchableIndex: Sendable {
  /// Where the index is (a path or a URL without password).
  var location: String { get }
  /// The encoder recorded in the index, if any.
  func recordedEncoder() async throws(EmbeddingError) -> EncoderDescriptor?
  /// A free-form value stored by the index's user.
  func attribute(_ key: String) async throws(EmbeddingError) -> String?
  /// Stores a free-form value.
  func setAttribute(_ key: String, _ value: String) async throws(EmbeddingError)
  /// Counts and settings.
  func summary() async throws(EmbeddingError) -> IndexInfo
  /// Adds or replaces documents, one transaction per batch.
  @discardableResult
  func add(documents: [RetrievalDocument], batchSize: Int, progress: ProgressHandler?)
    async throws(EmbeddingError) -> AddSummary
  /// Removes documents by id; returns how many were present.
  @discardableResult
  func remove(ids: [String]) async throws(EmbeddingError) -> Int
  /// The `k` best documents with their matching chunk.
  func search(
    _ query: String, k: Int, mode: SearchMode, filter: [String: String],
    parameters: SearchParameters
  ) async throws(EmbeddingError) -> [SearchHit]
  /// Rankings of every judged query, for BEIR metrics.
  func rankAll(
    queries: [String: String], qrels: [String: [String: Int]], mode: SearchMode,
    parameters: SearchParameters, depth: Int
  ) async throws(EmbeddingError) -> [String: [RankedDocument]]
}

extension RetrievalIndex: SearchableIndex {
  /// The index file.
  public var location: String { path }

  /// Counts and settings (`info`).
  public func summary() async throws(EmbeddingError) -> IndexInfo { try info }
}

extension StoreIndex: SearchableIndex {
  /// Counts and settings (`info()`).
  public func summary() async throws(EmbeddingError) -> IndexInfo { try await info() }
}
