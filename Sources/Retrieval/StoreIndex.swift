import EmbeddingCore
import Foundation

/// A retrieval index kept in a `RetrievalStore` (PostgreSQL + pgvector): the same chunking,
/// embedding, encoder record, BM25, dense and hybrid ranking as `RetrievalIndex`, with the rows in a
/// database server.
///
/// Chunking and embedding happen here, so a store ranks exactly the vectors the SQLite index would
/// hold; in exact dense mode both give the same ids and scores.
///
/// ```swift
/// let store = try await PostgresStore(url: "postgres://me@localhost:5432/docs")
/// let index = try await StoreIndex(store: store, encoder: encoder, create: true)
/// try await index.add(documents: docs)
/// let hits = try await index.search("why do cats purr", k: 5, mode: .hybrid)
/// ```
public final class StoreIndex: Sendable {
  /// The store holding the rows.
  public let store: any RetrievalStore
  /// The encoder used to embed chunks and queries; nil for BM25 only.
  public let encoder: (any TextEncoder)?
  /// Chunk size and overlap (recorded in the store when it is created).
  public let chunking: ChunkingOptions

  /// Where the index is, for messages.
  public var location: String { store.location }

  /// Opens the index in `store`, creating its tables when `create` is true.
  ///
  /// - Parameters:
  ///   - encoder: must be the encoder the index was built with (nil: BM25 only).
  ///   - chunking: options for a new index; nil takes the recorded ones, other values are refused.
  public init(
    store: any RetrievalStore, encoder: (any TextEncoder)?, chunking: ChunkingOptions? = nil,
    create: Bool = false
  ) async throws(EmbeddingError) {
    if let chunking, create { try chunking.validate() }
    self.store = store
    self.encoder = encoder
    self.chunking = try await store.prepare(chunking: chunking, create: create)
    if let encoder, let recorded = try await store.recordedEncoder() {
      try EncoderRecord.check(recorded: recorded, given: encoder.descriptor, location: location)
    }
  }

  /// The encoder recorded in the index, if any.
  public func recordedEncoder() async throws(EmbeddingError) -> EncoderDescriptor? {
    try await store.recordedEncoder()
  }

  /// A free-form value stored in the index by its user.
  public func attribute(_ key: String) async throws(EmbeddingError) -> String? {
    try await store.attribute(key)
  }

  /// Stores a free-form value in the index.
  public func setAttribute(_ key: String, _ value: String) async throws(EmbeddingError) {
    try await store.setAttribute(key, value)
  }

  /// Summary counts and settings of the index.
  public func info() async throws(EmbeddingError) -> IndexInfo {
    let counts = try await store.counts()
    let recorded = try await store.recordedEncoder()
    return IndexInfo(
      location: location, formatVersion: IndexSchema.formatVersion, documents: counts.documents,
      chunks: counts.chunks, vectors: counts.vectors,
      encoder: recorded.map {
        EncoderDescriptorSummary(
          kind: $0.kind, name: $0.name, dimension: $0.dimension, fingerprint: $0.fingerprint)
      }, chunkTokens: chunking.tokens, overlapTokens: chunking.overlap, bytes: counts.bytes)
  }

  /// Removes the documents with these ids (and their chunks) in one transaction; returns how many
  /// were present.
  @discardableResult
  public func remove(ids: [String]) async throws(EmbeddingError) -> Int {
    try await store.remove(ids: ids)
  }

  /// Builds the store's approximate (HNSW) index; seconds spent, nil when there are no vectors.
  @discardableResult
  public func buildApproximateIndex(m: Int = 16, efConstruction: Int = 200)
    async throws(EmbeddingError) -> Double?
  {
    try await store.buildApproximateIndex(m: m, efConstruction: efConstruction)
  }

  /// Whether the store has its approximate index.
  public func hasApproximateIndex() async throws(EmbeddingError) -> Bool {
    try await store.hasApproximateIndex()
  }

  /// Adds or replaces `documents`, `batchSize` at a time, each batch in one transaction; unchanged
  /// documents are skipped and unchanged chunks keep their vectors (as `RetrievalIndex.add`).
  /// - Complexity: proportional to the tokens of the new or changed documents.
  @discardableResult
  public func add(
    documents: [RetrievalDocument], batchSize: Int = 64, progress: ProgressHandler? = nil
  ) async throws(EmbeddingError) -> AddSummary {
    guard batchSize > 0 else {
      throw .invalidArgument("batch size must be positive, got \(batchSize)")
    }
    try EncoderRecord.checkAdd(
      recorded: try await store.recordedEncoder(), given: encoder?.descriptor, location: location)
    var summary = AddSummary()
    let start = MonotonicClock.now()
    var done = 0
    while done < documents.count {
      if Task.isCancelled { throw .cancelled }
      let batch = Array(documents[done..<min(documents.count, done + batchSize)])
      try await addBatch(batch, summary: &summary)
      done += batch.count
      progress?(
        ProgressReport(
          stage: "indexing", completed: done, total: documents.count, unit: "docs",
          elapsed: MonotonicClock.now() - start,
          metrics: encoder == nil ? [:] : ["chunks embedded": Double(summary.chunksEmbedded)]))
    }
    return summary
  }

  private func addBatch(_ batch: [RetrievalDocument], summary: inout AddSummary)
    async throws(EmbeddingError)
  {
    // The last occurrence of an id in a batch wins.
    var seen = Set<String>()
    var unique: [RetrievalDocument] = []
    for doc in batch.reversed() where seen.insert(doc.id).inserted { unique.append(doc) }
    unique.reverse()
    let existing = try await store.contentHashes(ids: unique.map(\.id))

    let chunker = Chunker(options: chunking)
    var rows: [StoredDocument] = []
    var replaces: [Bool] = []
    var toEncode: [(doc: Int, chunk: Int, text: String)] = []
    for doc in unique {
      let metadataJSON = RetrievalIndex.json(doc.metadata)
      let hash = ContentHash.hex(doc.title, doc.text, metadataJSON)
      let old = existing[doc.id]
      if old == hash {
        summary.unchanged += 1
        continue
      }
      let body = doc.body
      let spans = encoder?.tokenSpans(of: body) ?? RetrievalIndex.wordSpans(body)
      let chunks = chunker.chunks(of: body, spans: spans)
      var stored = chunks.map {
        StoredChunk(
          ordinal: $0.index, start: $0.bytes.lowerBound, end: $0.bytes.upperBound,
          hash: ContentHash.hex($0.text), vector: nil)
      }
      if old != nil, encoder != nil {
        let reusable = try await store.storedVectors(documentID: doc.id)
        for i in stored.indices {
          if let v = reusable[stored[i].hash] {
            stored[i].vector = v
            summary.chunksReused += 1
          }
        }
      }
      if encoder != nil {
        for i in chunks.indices where stored[i].vector == nil {
          toEncode.append((rows.count, i, chunks[i].text))
        }
      }
      var terms: [String: Int] = [:]
      let words = LexicalTokenizer.terms(body)
      for t in words { terms[t, default: 0] += 1 }
      rows.append(
        StoredDocument(
          id: doc.id, title: doc.title, text: doc.text, metadataJSON: metadataJSON,
          contentHash: hash, length: words.count, terms: terms, chunks: stored))
      replaces.append(old != nil)
    }
    if rows.isEmpty { return }

    if let encoder, !toEncode.isEmpty {
      let matrix: Matrix
      do {
        matrix = try encoder.encode(toEncode.map(\.text), role: .passage)
      } catch {
        throw (error as? EmbeddingError) ?? .invalidArgument("encoder failed: \(error)")
      }
      guard matrix.rows == toEncode.count, matrix.columns == encoder.dimension else {
        throw .invalidArgument(
          "the encoder returned a \(matrix.rows) × \(matrix.columns) matrix for \(toEncode.count) texts of dimension \(encoder.dimension)"
        )
      }
      for (r, slot) in toEncode.enumerated() {
        let p = matrix.rowPointer(r)
        _ = VectorKernels.normalize(p, matrix.columns)
        rows[slot.doc].chunks[slot.chunk].vector = Array(
          UnsafeBufferPointer(start: p, count: matrix.columns))
      }
      summary.chunksEmbedded += toEncode.count
    }
    try await store.write(rows, encoder: encoder?.descriptor)
    for r in replaces {
      if r { summary.replaced += 1 } else { summary.added += 1 }
    }
  }
}
