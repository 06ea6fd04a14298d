import EmbeddingCore
import Foundation

/// A document to index: a stable id, an optional title, the text and string metadata.
///
/// The id is the key: adding a document whose id is already in the index replaces it. Metadata values
/// are strings (other JSON values are kept as their JSON text) and can be filtered on at search time.
///
/// ```swift
/// let doc = RetrievalDocument(id: "4983", title: "White matter", text: "Alterations of …",
///                             metadata: ["year": "2002"])
/// ```
public struct RetrievalDocument: Sendable, Equatable, Codable {
  /// The document's key.
  public var id: String
  /// A title, embedded and searched with the text (may be empty).
  public var title: String
  /// The body text.
  public var text: String
  /// Metadata for `--where key=value` filters.
  public var metadata: [String: String]

  /// Creates a document.
  public init(id: String, title: String = "", text: String, metadata: [String: String] = [:]) {
    self.id = id
    self.title = title
    self.text = text
    self.metadata = metadata
  }

  /// The text that is chunked, embedded and indexed for BM25: the title, a newline and the text.
  public var body: String { title.isEmpty ? text : title + "\n" + text }
}

/// How a query is matched against the index.
public enum SearchMode: String, Sendable, Codable, CaseIterable {
  /// Cosine similarity of the query's vector with every chunk's vector (exact).
  case dense
  /// Okapi BM25 over the words of title and text.
  case bm25
  /// Reciprocal rank fusion of the dense and BM25 rankings.
  case hybrid
}

/// One result: a document, its score and the chunk that matched best.
public struct SearchHit: Sendable, Equatable, Codable {
  /// The document's id.
  public var id: String
  /// The score under the search mode (cosine, BM25 or fused); higher is better.
  public var score: Double
  /// The document's title.
  public var title: String
  /// The best-matching chunk of the document (for BM25, the chunk holding most query words).
  public var chunk: String
  /// Position of that chunk in the document (0-based).
  public var chunkIndex: Int
  /// The query words (lower-cased) that occur in the chunk, to highlight.
  public var matchedTerms: [String]
  /// The document's metadata.
  public var metadata: [String: String]
}

/// A summary of an index, as `embed index info` prints it.
public struct IndexInfo: Sendable, Equatable, Codable {
  /// Where the index is.
  public var location: String
  /// File format version.
  public var formatVersion: Int
  /// Number of documents.
  public var documents: Int
  /// Number of chunks.
  public var chunks: Int
  /// Number of chunks that carry a vector.
  public var vectors: Int
  /// The encoder whose vectors the index holds, if any document was added with one.
  public var encoder: EncoderDescriptorSummary?
  /// Chunk size and overlap, in encoder tokens.
  public var chunkTokens: Int
  /// Tokens shared by two consecutive chunks.
  public var overlapTokens: Int
  /// Size of the database file(s) in bytes (main file plus write-ahead log).
  public var bytes: Int
}

/// The encoder fields that `IndexInfo` reports.
public struct EncoderDescriptorSummary: Sendable, Equatable, Codable {
  /// Encoder family.
  public var kind: String
  /// Encoder name.
  public var name: String
  /// Vector length.
  public var dimension: Int
  /// Hash of the weights.
  public var fingerprint: String
}
