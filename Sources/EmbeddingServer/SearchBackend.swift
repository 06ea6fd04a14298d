#if Server
import EmbeddingCore
import Foundation

/// A searchable collection behind `POST /v1/search`: the retrieval index, or anything else that ranks
/// documents for a query.
///
/// ```swift
/// struct Index: SearchBackend { func search(_ q: SearchQuery) async throws -> [SearchResult] { … } }
/// ```
public protocol SearchBackend: Sendable {
  /// The best documents for `query`, best first.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for a query the backend refuses (answered as `400`).
  func search(_ query: SearchQuery) async throws -> [SearchResult]
}

/// One `POST /v1/search` request.
public struct SearchQuery: Sendable, Equatable {
  /// The query text.
  public var text: String
  /// How many results.
  public var k: Int
  /// `hybrid`, `dense` or `bm25`.
  public var mode: String
  /// Metadata every result must have.
  public var filter: [String: String]

  /// Creates a query.
  public init(text: String, k: Int = 10, mode: String = "hybrid", filter: [String: String] = [:]) {
    self.text = text
    self.k = k
    self.mode = mode
    self.filter = filter
  }
}

/// One ranked document.
public struct SearchResult: Sendable, Equatable, Codable {
  /// The document's id.
  public var id: String
  /// Its score under the search mode.
  public var score: Double
  /// Its title, if any.
  public var title: String
  /// The chunk that matched.
  public var text: String
  /// The chunk's position in the document.
  public var chunkIndex: Int
  /// The document's metadata.
  public var metadata: [String: String]

  /// Creates a result.
  public init(
    id: String, score: Double, title: String = "", text: String, chunkIndex: Int = 0,
    metadata: [String: String] = [:]
  ) {
    self.id = id
    self.score = score
    self.title = title
    self.text = text
    self.chunkIndex = chunkIndex
    self.metadata = metadata
  }

  enum CodingKeys: String, CodingKey {
    case id, score, title, text, metadata
    case chunkIndex = "chunk_index"
  }
}

/// The body of `POST /v1/search`: `{"query": "…", "k": 10, "mode": "hybrid", "filter": {"lang": "en"}}`.
struct SearchRequest: Decodable {
  var query: String
  var k: Int?
  var mode: String?
  var filter: [String: String]?

  /// Parses a body, turning every failure into a `400` naming the field.
  static func parse(_ body: [UInt8]) throws -> SearchQuery {
    let request: SearchRequest
    do { request = try JSONDecoder().decode(SearchRequest.self, from: Data(body)) } catch {
      throw APIError.invalid(
        "the body must be JSON such as {\"query\": \"words\", \"k\": 10, \"mode\": \"hybrid\", "
          + "\"filter\": {\"key\": \"value\"}} (query a string, k an integer, filter strings)")
    }
    let k = request.k ?? 10
    guard (1...1000).contains(k) else {
      throw APIError.invalid("'k' must be between 1 and 1000, got \(k)", param: "k")
    }
    let mode = request.mode ?? "hybrid"
    guard ["hybrid", "dense", "bm25"].contains(mode) else {
      throw APIError.invalid("'mode' must be hybrid, dense or bm25, got '\(mode)'", param: "mode")
    }
    guard !request.query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw APIError.invalid("'query' is empty: give words to search for", param: "query")
    }
    return SearchQuery(text: request.query, k: k, mode: mode, filter: request.filter ?? [:])
  }
}
#endif
