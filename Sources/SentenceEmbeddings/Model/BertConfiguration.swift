import EmbeddingCore
import Foundation

/// The shape of a BERT-family encoder, read from a Hugging Face `config.json`.
///
/// ```swift
/// let config = try BertConfiguration(contentsOf: "all-MiniLM-L6-v2/config.json")
/// config.hiddenSize        // 384
/// config.headDimension     // 32
/// ```
public struct BertConfiguration: Sendable, Equatable {
  /// Token vocabulary size (rows of the word-embedding table).
  public var vocabularySize: Int
  /// Width of every hidden state.
  public var hiddenSize: Int
  /// Number of transformer layers.
  public var layerCount: Int
  /// Attention heads per layer (`hiddenSize` must be a multiple).
  public var headCount: Int
  /// Width of the feed-forward layer.
  public var intermediateSize: Int
  /// Rows of the position-embedding table (the longest input the model takes).
  public var maxPositions: Int
  /// Rows of the token-type table.
  public var typeVocabularySize: Int
  /// LayerNorm epsilon.
  public var layerNormEpsilon: Float

  /// Width of one attention head.
  public var headDimension: Int { hiddenSize / headCount }

  /// Creates a configuration (values are checked by `validate(path:)`).
  public init(
    vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int,
    maxPositions: Int, typeVocabularySize: Int = 2, layerNormEpsilon: Float = 1e-12
  ) {
    self.vocabularySize = vocabularySize
    self.hiddenSize = hiddenSize
    self.layerCount = layerCount
    self.headCount = headCount
    self.intermediateSize = intermediateSize
    self.maxPositions = maxPositions
    self.typeVocabularySize = typeVocabularySize
    self.layerNormEpsilon = layerNormEpsilon
  }

  /// Reads and checks `config.json`.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable, `.malformed` naming the field when a value is
  ///   missing or wrong, or when the model is not a BERT-architecture encoder with exact GELU.
  public init(contentsOf path: String) throws {
    let object = try JSONFile.object(at: path)
    func int(_ key: String, default value: Int? = nil) throws -> Int {
      if let v = object[key] as? Int { return v }
      if let value, object[key] == nil { return value }
      throw EmbeddingError.malformed(
        path: path, location: "key \(key)", reason: "an integer \"\(key)\" is expected")
    }
    if let type = object["model_type"] as? String, type != "bert" {
      throw EmbeddingError.malformed(
        path: path, location: "key model_type",
        reason: "model_type \"\(type)\" is not supported; a BERT-architecture encoder (\"bert\") "
          + "is expected")
    }
    let activation = object["hidden_act"] as? String ?? "gelu"
    guard activation == "gelu" else {
      throw EmbeddingError.malformed(
        path: path, location: "key hidden_act",
        reason: "hidden_act \"\(activation)\" is not supported; \"gelu\" (exact, erf) is expected")
    }
    if let position = object["position_embedding_type"] as? String, position != "absolute" {
      throw EmbeddingError.malformed(
        path: path, location: "key position_embedding_type",
        reason: "position_embedding_type \"\(position)\" is not supported; \"absolute\" expected")
    }
    self.init(
      vocabularySize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
      layerCount: try int("num_hidden_layers"), headCount: try int("num_attention_heads"),
      intermediateSize: try int("intermediate_size"),
      maxPositions: try int("max_position_embeddings"),
      typeVocabularySize: try int("type_vocab_size", default: 2),
      layerNormEpsilon: Float((object["layer_norm_eps"] as? Double) ?? 1e-12))
    try validate(path: path)
  }

  /// Checks that every size is positive and the heads divide the hidden size.
  ///
  /// - Throws: `EmbeddingError.malformed` naming `path` and the bad value.
  public func validate(path: String) throws {
    let sizes: [(String, Int)] = [
      ("vocab_size", vocabularySize), ("hidden_size", hiddenSize),
      ("num_hidden_layers", layerCount), ("num_attention_heads", headCount),
      ("intermediate_size", intermediateSize), ("max_position_embeddings", maxPositions),
      ("type_vocab_size", typeVocabularySize),
    ]
    for (key, value) in sizes where value <= 0 || value > 1 << 24 {
      throw EmbeddingError.malformed(
        path: path, location: "key \(key)",
        reason: "\(key) is \(value); a positive size is expected")
    }
    guard hiddenSize % headCount == 0 else {
      throw EmbeddingError.malformed(
        path: path, location: "key num_attention_heads",
        reason: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(headCount)")
    }
    guard layerNormEpsilon.isFinite, layerNormEpsilon >= 0 else {
      throw EmbeddingError.malformed(
        path: path, location: "key layer_norm_eps", reason: "a small positive epsilon is expected")
    }
  }
}

/// Reads small JSON files of a model folder, with errors naming the file.
enum JSONFile {
  /// The top-level object of the JSON file at `path`.
  static func object(at path: String) throws -> [String: Any] {
    guard let value = try any(at: path) as? [String: Any] else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 0", reason: "a JSON object ({...}) is expected")
    }
    return value
  }

  /// The top-level value of the JSON file at `path`.
  static func any(at path: String) throws -> Any {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw EmbeddingError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
    }
    do { return try JSONSerialization.jsonObject(with: data) } catch {
      throw EmbeddingError.malformed(
        path: path, location: "byte 0", reason: "not valid JSON (\(error.localizedDescription))")
    }
  }
}
