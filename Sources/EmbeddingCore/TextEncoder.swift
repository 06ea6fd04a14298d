import Foundation

/// What a text is, for encoders that embed queries and passages differently (e5's "query: ", bge's
/// instruction prefix).
public enum TextRole: String, Sendable, Codable, CaseIterable {
  /// A search query.
  case query
  /// A document, passage or chunk being indexed.
  case passage
  /// Neither: plain text (`embed encode` without `--prompt`).
  case plain
}

/// The identity of an encoder, recorded by an index so that vectors of two encoders are never mixed.
///
/// Two descriptors describe the same vectors when all fields are equal; `fingerprint` is a hash of the
/// weights (any stable hex string), so a retrained model with the same name is told apart.
///
/// ```swift
/// let d = EncoderDescriptor(kind: "transformer", name: "all-MiniLM-L6-v2", dimension: 384,
///                           fingerprint: "9f2c…", pooling: "mean", normalized: true)
/// ```
public struct EncoderDescriptor: Sendable, Codable, Equatable, Hashable {
  /// The family: "transformer", "mean-word-vectors", "sif", "doc2vec", "static".
  public var kind: String
  /// A human-readable name (model folder name or file name).
  public var name: String
  /// Length of every vector the encoder returns.
  public var dimension: Int
  /// A stable hash of the weights (hex), so a changed model is detected.
  public var fingerprint: String
  /// Pooling, when the family has one ("mean", "cls", "max", "sif"); empty otherwise.
  public var pooling: String
  /// Whether vectors are unit length.
  public var normalized: Bool
  /// Text put before queries, if any.
  public var queryPrefix: String
  /// Text put before passages, if any.
  public var passagePrefix: String

  /// Creates a descriptor.
  public init(
    kind: String, name: String, dimension: Int, fingerprint: String, pooling: String = "",
    normalized: Bool, queryPrefix: String = "", passagePrefix: String = ""
  ) {
    self.kind = kind
    self.name = name
    self.dimension = dimension
    self.fingerprint = fingerprint
    self.pooling = pooling
    self.normalized = normalized
    self.queryPrefix = queryPrefix
    self.passagePrefix = passagePrefix
  }
}

/// Anything that turns texts into fixed-length vectors: the transformer, pooled word vectors, Doc2Vec, a
/// static model distilled from a transformer.
///
/// `embed encode`, the retrieval index and the server take any `TextEncoder`. Implementations are
/// thread-safe (`Sendable`); `encode` may use several threads itself.
///
/// ```swift
/// let encoder: any TextEncoder = try SentenceEncoder(directory: modelDir)
/// let rows = try encoder.encode(["a cat", "a dog"], role: .plain)   // 2 × encoder.dimension
/// let chunks = encoder.tokenSpans(of: longText)                   // for chunking by tokens
/// ```
public protocol TextEncoder: Sendable {
  /// Identity recorded by indexes; `descriptor.dimension` is the vector length.
  var descriptor: EncoderDescriptor { get }

  /// Encodes `texts` to a row-major `[texts.count × dimension]` matrix, row `i` for `texts[i]`.
  ///
  /// The role selects the query or passage prefix where the encoder has them.
  /// - Complexity: proportional to the total number of tokens.
  func encode(_ texts: [String], role: TextRole) throws -> Matrix

  /// The UTF-8 byte ranges of the tokens this encoder's tokenizer cuts `text` into, in order, without
  /// special tokens; used to cut documents into chunks of at most N tokens.
  func tokenSpans(of text: String) -> [Range<Int>]
}

extension TextEncoder {
  /// Length of every vector the encoder returns.
  public var dimension: Int { descriptor.dimension }

  /// Encodes one text to a vector of `dimension` floats.
  public func encode(_ text: String, role: TextRole = .plain) throws -> [Float] {
    let m = try encode([text], role: role)
    return m.row(0)
  }
}
