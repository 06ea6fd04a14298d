import EmbeddingCore
import Foundation

/// Where a `StoreIndex` keeps documents, chunks and vectors, and how it ranks them: the part of an
/// index that talks to a database (PostgreSQL + pgvector in `RetrievalPostgres`).
///
/// The store never embeds nor chunks: `StoreIndex` does that (as `RetrievalIndex` does for SQLite) and
/// hands the store finished rows, so every store ranks the same vectors. Rankings break ties by the
/// order documents were added (ascending `key`), as the SQLite index does.
public protocol RetrievalStore: Sendable {
  /// Where the store is (a URL without its password), for messages.
  var location: String { get }
  /// Creates the tables, or checks them and returns the recorded chunking (`chunking` must then be
  /// nil or equal to it).
  func prepare(chunking: ChunkingOptions?, create: Bool) async throws(EmbeddingError)
    -> ChunkingOptions
  /// The encoder whose vectors the store holds.
  func recordedEncoder() async throws(EmbeddingError) -> EncoderDescriptor?
  /// A free-form value (the CLI keeps how to load the encoder here).
  func attribute(_ key: String) async throws(EmbeddingError) -> String?
  /// Stores a free-form value.
  func setAttribute(_ key: String, _ value: String) async throws(EmbeddingError)
  /// The content hash of each of `ids` that is present.
  func contentHashes(ids: [String]) async throws(EmbeddingError) -> [String: String]
  /// The vectors of a document's chunks by chunk hash (for re-using unchanged chunks).
  func storedVectors(documentID: String) async throws(EmbeddingError) -> [String: [Float]]
  /// Writes (adding or replacing by id) `documents` in one transaction; records `encoder` on the
  /// first write and refuses another one (`EncoderRecord.check`).
  func write(_ documents: [StoredDocument], encoder: EncoderDescriptor?)
    async throws(EmbeddingError)
  /// Removes documents by id in one transaction; returns how many were present.
  func remove(ids: [String]) async throws(EmbeddingError) -> Int
  /// Document, chunk and vector counts, and bytes on disk.
  func counts() async throws(EmbeddingError) -> StoreCounts
  /// Okapi BM25 (`BM25Scorer`'s formula) of the documents holding a query term, best `depth` first.
  func bm25(
    terms: [String: Int], depth: Int, parameters: BM25Parameters, filter: [String: String]
  ) async throws(EmbeddingError) -> [StoreHit]
  /// The best `depth` documents by the inner product of `query` with their best chunk: exact when
  /// `ef` is nil or a filter is given, else through the approximate index when there is one.
  func dense(query: [Float], depth: Int, ef: Int?, filter: [String: String])
    async throws(EmbeddingError) -> [StoreHit]
  /// The BM25 scores of the documents `keys` with the whole index's statistics (documents holding
  /// no query term left out): convex fusion's scores for dense candidates outside the BM25 list.
  func bm25Scores(terms: [String: Int], parameters: BM25Parameters, keys: [Int64])
    async throws(EmbeddingError) -> [Int64: Double]
  /// The exact inner product of `query` with the best chunk of each of `keys` (documents without
  /// vectors left out): convex fusion's scores for BM25 candidates outside the dense list.
  func denseScores(query: [Float], keys: [Int64]) async throws(EmbeddingError) -> [Int64: Double]
  /// Titles, texts, metadata and chunk spans of documents, in the order of `ids` (absent ids left out).
  func documents(ids: [String]) async throws(EmbeddingError) -> [StoredDocument]
  /// Builds the approximate (HNSW) index over the vectors; seconds spent, nil without vectors.
  func buildApproximateIndex(m: Int, efConstruction: Int) async throws(EmbeddingError) -> Double?
  /// Whether the approximate index exists.
  func hasApproximateIndex() async throws(EmbeddingError) -> Bool
  /// Closes the connection (or process) behind the store.
  func close() async
}

/// A document as a store writes or returns it: the text, its chunks and (when writing) BM25 terms.
public struct StoredDocument: Sendable, Codable, Equatable {
  /// The document's id.
  public var id: String
  /// Title.
  public var title: String
  /// Text.
  public var text: String
  /// Metadata as JSON with sorted keys.
  public var metadataJSON: String
  /// `ContentHash` of title, text and metadata.
  public var contentHash: String
  /// Number of BM25 terms (stop words left out).
  public var length: Int
  /// BM25 term frequencies (empty when read back).
  public var terms: [String: Int]
  /// The chunks in order.
  public var chunks: [StoredChunk]

  /// Creates a document row.
  public init(
    id: String, title: String, text: String, metadataJSON: String, contentHash: String,
    length: Int, terms: [String: Int], chunks: [StoredChunk]
  ) {
    self.id = id
    self.title = title
    self.text = text
    self.metadataJSON = metadataJSON
    self.contentHash = contentHash
    self.length = length
    self.terms = terms
    self.chunks = chunks
  }
}

/// One chunk: its position, UTF-8 byte span in the document's body, hash and unit vector.
public struct StoredChunk: Sendable, Codable, Equatable {
  /// Position in the document (0-based).
  public var ordinal: Int
  /// First byte of the chunk in `title + "\n" + text`.
  public var start: Int
  /// One past its last byte.
  public var end: Int
  /// `ContentHash` of the chunk's text.
  public var hash: String
  /// Unit vector (nil without an encoder, and when read back).
  public var vector: [Float]?

  /// Creates a chunk row.
  public init(ordinal: Int, start: Int, end: Int, hash: String, vector: [Float]?) {
    self.ordinal = ordinal
    self.start = start
    self.end = end
    self.hash = hash
    self.vector = vector
  }
}

/// A ranked document from a store.
public struct StoreHit: Sendable, Codable, Equatable {
  /// The document's id.
  public var id: String
  /// The store's row number: the order in which documents were added (ties break by it).
  public var key: Int64
  /// BM25 score, or the inner product of unit vectors (the cosine).
  public var score: Double
  /// The best chunk's ordinal (dense), −1 for BM25.
  public var chunk: Int

  /// Creates a hit.
  public init(id: String, key: Int64, score: Double, chunk: Int) {
    self.id = id
    self.key = key
    self.score = score
    self.chunk = chunk
  }
}

/// Counts and size of a store.
public struct StoreCounts: Sendable, Codable, Equatable {
  /// Documents.
  public var documents: Int
  /// Chunks.
  public var chunks: Int
  /// Chunks with a vector.
  public var vectors: Int
  /// Bytes on disk (tables and indexes).
  public var bytes: Int

  /// Creates counts.
  public init(documents: Int, chunks: Int, vectors: Int, bytes: Int) {
    self.documents = documents
    self.chunks = chunks
    self.vectors = vectors
    self.bytes = bytes
  }
}

/// The rule every index applies to encoders: one per index, recorded with its first vectors.
public enum EncoderRecord {
  /// Throws the same message as the SQLite index when `given` is not the `recorded` encoder.
  public static func check(
    recorded: EncoderDescriptor, given: EncoderDescriptor, location: String
  ) throws(EmbeddingError) {
    try RetrievalIndex.requireSame(recorded: recorded, given: given, path: location)
  }

  /// The encoder dense search needs: `encoder`, or the error that asks for it.
  static func searchEncoder(_ encoder: (any TextEncoder)?) throws(EmbeddingError) -> any TextEncoder
  {
    guard let encoder else {
      throw .invalidArgument(
        "dense and hybrid search need the encoder the index was built with; pass it (--model), or use --mode bm25"
      )
    }
    return encoder
  }

  /// The query's unit vector for an index at `location` whose vectors came from `recorded` (nil: it
  /// holds none): checks the encoder against the index and the vector's dimension, then normalises.
  static func queryVector(
    _ query: String, encoder: any TextEncoder, recorded: EncoderDescriptor?, location: String
  ) throws(EmbeddingError) -> [Float] {
    guard let recorded else {
      throw .invalidArgument(
        "\(location) holds no vectors (built without an encoder); use --mode bm25")
    }
    try check(recorded: recorded, given: encoder.descriptor, location: location)
    var v: [Float]
    do {
      v = try encoder.encode(query, role: .query)
    } catch {
      throw (error as? EmbeddingError) ?? .invalidArgument("encoder failed: \(error)")
    }
    guard v.count == recorded.dimension else {
      throw .invalidArgument(
        "the query vector has \(v.count) dimensions, the index holds \(recorded.dimension)-dimensional vectors"
      )
    }
    v.withUnsafeMutableBufferPointer { p in
      if let base = p.baseAddress { _ = VectorKernels.normalize(base, p.count) }
    }
    return v
  }

  /// Checks that chunks embedded by `given` (nil: no encoder) may be added to an index whose vectors
  /// came from `recorded` (nil: it holds none yet, so any encoder may start it).
  static func checkAdd(
    recorded: EncoderDescriptor?, given: EncoderDescriptor?, location: String
  ) throws(EmbeddingError) {
    switch (recorded, given) {
    case (let recorded?, let given?):
      try check(recorded: recorded, given: given, location: location)
    case (let recorded?, nil):
      throw mismatch(recorded: recorded, given: nil, location: location)
    default:
      break
    }
  }

  /// The error for writing without an encoder into an index that holds vectors, or with one into an
  /// index built without.
  public static func mismatch(
    recorded: EncoderDescriptor?, given: EncoderDescriptor?, location: String
  ) -> EmbeddingError {
    if let recorded {
      return .invalidArgument(
        "\(location) embeds chunks with \(RetrievalIndex.describe(recorded)); add documents with that encoder"
      )
    }
    let name = given.map { RetrievalIndex.describe($0) } ?? "an encoder"
    return .invalidArgument(
      "\(location) was built without an encoder (BM25 only); it cannot take vectors of \(name). Use a new index"
    )
  }
}
