#if Server
import EmbeddingCore
import Foundation

/// The body of `POST /v1/embeddings`, as OpenAI defines it.
///
/// `input` is a string, an array of strings, an array of token IDs or an array of token-ID arrays
/// (cl100k_base IDs, what OpenAI's clients send). `user` is accepted and ignored. `input_type`
/// (`query`, `passage`, `plain`) is an extension for encoders with query/passage prefixes.
struct EmbeddingsRequest: Decodable, Sendable {
  /// What to embed.
  enum Input: Sendable, Equatable {
    /// Texts (one string is a list of one).
    case texts([String])
    /// Token-ID sequences, decoded to text before encoding.
    case tokens([[Int]])

    /// Number of inputs.
    var count: Int {
      switch self {
      case .texts(let t): return t.count
      case .tokens(let t): return t.count
      }
    }
  }

  /// The inputs.
  var input: Input
  /// The model id the client asked for.
  var model: String
  /// Whether vectors are sent as JSON numbers or base64 of little-endian float32.
  var base64: Bool
  /// Matryoshka truncation: keep the first `dimensions` values and renormalise.
  var dimensions: Int?
  /// Which prefix the encoder puts before the texts.
  var role: TextRole

  private enum Key: String, CodingKey {
    case input, model, encoding_format, dimensions, user, input_type
  }

  init(from decoder: any Decoder) throws {
    let c: KeyedDecodingContainer<Key>
    do { c = try decoder.container(keyedBy: Key.self) } catch {
      throw APIError.invalid(
        "the request body must be a JSON object such as {\"input\": \"text\", \"model\": \"…\"}")
    }
    guard c.contains(.input), (try? c.decodeNil(forKey: .input)) == false else {
      throw APIError.invalid(
        "you must provide an 'input': a string or an array of strings to embed", param: "input")
    }
    input = try Self.decodeInput(c)
    guard c.contains(.model), (try? c.decodeNil(forKey: .model)) == false else {
      throw APIError.invalid(
        "you must provide a 'model' parameter (GET /v1/models lists the served model)",
        param: "model")
    }
    model = try Self.field(c, .model, String.self, "a string")
    let format = try Self.optional(c, .encoding_format, String.self, "a string") ?? "float"
    switch format {
    case "float": base64 = false
    case "base64": base64 = true
    default:
      throw APIError.invalid(
        "'encoding_format' must be 'float' or 'base64', got '\(format)'", param: "encoding_format")
    }
    dimensions = try Self.optional(c, .dimensions, Int.self, "an integer")
    _ = try Self.optional(c, .user, String.self, "a string")
    let type = try Self.optional(c, .input_type, String.self, "a string") ?? "plain"
    guard let r = TextRole(rawValue: type) else {
      throw APIError.invalid(
        "'input_type' must be query, passage or plain, got '\(type)'", param: "input_type")
    }
    role = r
  }

  private static func decodeInput(_ c: KeyedDecodingContainer<Key>) throws -> Input {
    if let s = try? c.decode(String.self, forKey: .input) {
      guard !s.isEmpty else {
        throw APIError.invalid("'input' must not be an empty string", param: "input")
      }
      return .texts([s])
    }
    if let list = try? c.decode([String].self, forKey: .input) {
      guard !list.isEmpty else {
        throw APIError.invalid(
          "'input' must not be an empty array: send at least one string", param: "input")
      }
      if let i = list.firstIndex(where: \.isEmpty) {
        throw APIError.invalid("'input[\(i)]' must not be an empty string", param: "input")
      }
      return .texts(list)
    }
    if let ids = try? c.decode([Int].self, forKey: .input) {
      return .tokens([ids])
    }
    if let lists = try? c.decode([[Int]].self, forKey: .input) {
      if let i = lists.firstIndex(where: \.isEmpty) {
        throw APIError.invalid("'input[\(i)]' must not be an empty token array", param: "input")
      }
      return .tokens(lists)
    }
    throw APIError.invalid(
      "'input' must be a string, an array of strings, an array of integers (token IDs) "
        + "or an array of integer arrays", param: "input")
  }

  private static func field<T: Decodable>(
    _ c: KeyedDecodingContainer<Key>, _ key: Key, _ type: T.Type, _ expected: String
  ) throws -> T {
    do { return try c.decode(T.self, forKey: key) } catch {
      throw APIError.invalid(
        "invalid type for '\(key.rawValue)': expected \(expected)", param: key.rawValue)
    }
  }

  private static func optional<T: Decodable>(
    _ c: KeyedDecodingContainer<Key>, _ key: Key, _ type: T.Type, _ expected: String
  ) throws -> T? {
    guard c.contains(key), (try? c.decodeNil(forKey: key)) == false else { return nil }
    return try field(c, key, type, expected)
  }

  /// Parses a request body, turning every failure into an OpenAI-style `400`.
  static func parse(_ body: [UInt8]) throws -> EmbeddingsRequest {
    do {
      return try JSONDecoder().decode(EmbeddingsRequest.self, from: Data(body))
    } catch let error as APIError {
      throw error
    } catch {
      throw APIError.invalid(
        "We could not parse the JSON body of your request: it must be UTF-8 JSON, for example "
          + "{\"input\": \"some text\", \"model\": \"…\"} with Content-Type: application/json")
    }
  }
}
#endif
