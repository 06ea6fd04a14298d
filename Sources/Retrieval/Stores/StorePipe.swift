import EmbeddingCore
import Foundation

/// The line protocol between `PipeStore` (in `embed`) and a store process (`embed-postgres`): one JSON
/// request per line on the process's stdin, one JSON response per line on its stdout.
///
/// It lets `embed` use a PostgreSQL store without linking SwiftNIO: `embed` chunks, embeds and fuses;
/// the process only runs the store's queries.
public enum StorePipe {
  /// One call of a `RetrievalStore` method.
  enum Request: Codable {
    case prepare(chunking: ChunkingOptions?, create: Bool)
    case recordedEncoder
    case attribute(key: String)
    case setAttribute(key: String, value: String)
    case contentHashes(ids: [String])
    case storedVectors(documentID: String)
    case write(documents: [StoredDocument], encoder: EncoderDescriptor?)
    case remove(ids: [String])
    case counts
    case bm25(
      terms: [String: Int], depth: Int, parameters: BM25Parameters, filter: [String: String])
    case dense(query: [Float], depth: Int, ef: Int?, filter: [String: String])
    case bm25Scores(terms: [String: Int], parameters: BM25Parameters, keys: [Int64])
    case denseScores(query: [Float], keys: [Int64])
    case documents(ids: [String])
    case buildApproximateIndex(m: Int, efConstruction: Int)
    case hasApproximateIndex
  }

  /// A method's result, or its error.
  struct Response: Codable {
    var error: WireError?
    var chunking: ChunkingOptions?
    var encoder: EncoderDescriptor?
    var text: String?
    var hashes: [String: String]?
    var vectors: [String: [Float]]?
    var count: Int?
    var counts: StoreCounts?
    var hits: [StoreHit]?
    var scores: [Int64: Double]?
    var documents: [StoredDocument]?
    var seconds: Double?
    var flag: Bool?
  }

  /// `EmbeddingError` across the pipe (the cases a store throws; others travel as their message).
  struct WireError: Codable {
    var kind: String
    var path: String?
    var location: String?
    var reason: String

    init(_ error: EmbeddingError) {
      switch error {
      case .io(let path, let reason): self = .init(kind: "io", path: path, reason: reason)
      case .malformed(let path, let location, let reason):
        self = .init(kind: "malformed", path: path, location: location, reason: reason)
      case .invalidArgument(let message): self = .init(kind: "invalid", reason: message)
      case .cancelled: self = .init(kind: "cancelled", reason: "")
      default: self = .init(kind: "invalid", reason: error.description)
      }
    }

    init(kind: String, path: String? = nil, location: String? = nil, reason: String) {
      self.kind = kind
      self.path = path
      self.location = location
      self.reason = reason
    }

    var error: EmbeddingError {
      switch kind {
      case "io": return .io(path: path ?? "", reason: reason)
      case "malformed":
        return .malformed(path: path ?? "", location: location ?? "", reason: reason)
      case "cancelled": return .cancelled
      default: return .invalidArgument(reason)
      }
    }
  }

  /// Answers one request line (JSON) with one response line (JSON, no newline inside), calling `store`.
  public static func handle(line: Data, store: any RetrievalStore) async -> Data {
    var response = Response()
    do {
      let request = try JSONDecoder().decode(Request.self, from: line)
      response = try await perform(request, on: store)
    } catch let error as EmbeddingError {
      response.error = WireError(error)
    } catch {
      response.error = WireError(
        kind: "invalid", reason: "bad request to the store process: \(error)")
    }
    return (try? JSONEncoder().encode(response))
      ?? Data(#"{"error":{"kind":"invalid","reason":"cannot encode the response"}}"#.utf8)
  }

  /// The line a store process writes when it cannot open its store (then it exits).
  public static func failure(_ error: EmbeddingError) -> Data {
    var response = Response()
    response.error = WireError(error)
    return (try? JSONEncoder().encode(response)) ?? Data()
  }

  static func perform(_ request: Request, on store: any RetrievalStore) async throws(EmbeddingError)
    -> Response
  {
    var r = Response()
    switch request {
    case .prepare(let chunking, let create):
      r.chunking = try await store.prepare(chunking: chunking, create: create)
    case .recordedEncoder: r.encoder = try await store.recordedEncoder()
    case .attribute(let key): r.text = try await store.attribute(key)
    case .setAttribute(let key, let value): try await store.setAttribute(key, value)
    case .contentHashes(let ids): r.hashes = try await store.contentHashes(ids: ids)
    case .storedVectors(let id): r.vectors = try await store.storedVectors(documentID: id)
    case .write(let documents, let encoder): try await store.write(documents, encoder: encoder)
    case .remove(let ids): r.count = try await store.remove(ids: ids)
    case .counts: r.counts = try await store.counts()
    case .bm25(let terms, let depth, let parameters, let filter):
      r.hits = try await store.bm25(
        terms: terms, depth: depth, parameters: parameters, filter: filter)
    case .dense(let query, let depth, let ef, let filter):
      r.hits = try await store.dense(query: query, depth: depth, ef: ef, filter: filter)
    case .bm25Scores(let terms, let parameters, let keys):
      r.scores = try await store.bm25Scores(terms: terms, parameters: parameters, keys: keys)
    case .denseScores(let query, let keys):
      r.scores = try await store.denseScores(query: query, keys: keys)
    case .documents(let ids): r.documents = try await store.documents(ids: ids)
    case .buildApproximateIndex(let m, let ef):
      r.seconds = try await store.buildApproximateIndex(m: m, efConstruction: ef)
    case .hasApproximateIndex: r.flag = try await store.hasApproximateIndex()
    }
    return r
  }
}
