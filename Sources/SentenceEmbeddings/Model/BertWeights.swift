import EmbeddingCore
import Foundation

/// A LayerNorm's scale (γ) and shift (β), `width` floats each.
struct LayerNormWeights: Sendable {
  let gamma: [Float]
  let beta: [Float]
}

/// A linear layer in the encoder's compute mode: float32 panels or int8 per-channel weights.
enum LinearLayer: Sendable {
  case float32(PackedLinear)
  case int8(QuantizedLinear)

  /// y[m × out] = act(x[m × in] · Wᵀ + b).
  func apply(
    _ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
    activation: LinearActivation = .none, threads: Int
  ) {
    switch self {
    case .float32(let layer):
      MatrixMultiply.linear(x, rows: rows, layer, into: y, activation: activation, threads: threads)
    case .int8(let layer):
      MatrixMultiply.linear(x, rows: rows, layer, into: y, activation: activation, threads: threads)
    }
  }
}

/// One transformer layer's weights, packed for the matrix-product kernels.
struct BertLayerWeights: Sendable {
  /// Q, K and V projections fused into one [3·hidden × hidden] layer (outputs Q | K | V).
  let queryKeyValue: LinearLayer
  /// Attention output projection [hidden × hidden].
  let attentionOutput: LinearLayer
  /// LayerNorm after attention + residual.
  let attentionNorm: LayerNormWeights
  /// Feed-forward up-projection [intermediate × hidden], GELU fused.
  let intermediate: LinearLayer
  /// Feed-forward down-projection [hidden × intermediate].
  let output: LinearLayer
  /// LayerNorm after the feed-forward + residual.
  let outputNorm: LayerNormWeights
}

/// All weights of a BERT encoder read from `model.safetensors` and checked against `config.json`.
///
/// Tensor names follow Hugging Face's `BertModel` (`embeddings.word_embeddings.weight`,
/// `encoder.layer.0.attention.self.query.weight`, …), with or without a `bert.` prefix
/// (checkpoints saved from `BertForMaskedLM` and friends). The pooler, if present, is unused.
struct BertWeights: Sendable {
  /// word_embeddings [vocab × hidden].
  let wordEmbeddings: Matrix
  /// position_embeddings [maxPositions × hidden].
  let positionEmbeddings: Matrix
  /// token_type_embeddings row 0 [hidden] (every input is a single segment).
  let tokenType: [Float]
  /// LayerNorm after the embedding sum.
  let embeddingNorm: LayerNormWeights
  /// The transformer layers, in order.
  let layers: [BertLayerWeights]

  /// Reads and checks every tensor.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the file when a tensor is missing, truncated or
  ///   of a shape that disagrees with `config` (naming `config.json` as the other side).
  init(
    file: SafetensorsFile, config: BertConfiguration, configPath: String, compute: ComputeMode
  ) throws {
    let prefix =
      file.header.shape(of: "bert.embeddings.word_embeddings.weight") != nil ? "bert." : ""
    func tensor(_ name: String, _ shape: [Int]) throws -> Matrix {
      let full = prefix + name
      guard let actual = file.shape(of: full) else {
        let alternatives = [name, "bert." + name].filter { file.shape(of: $0) != nil }
        throw EmbeddingError.malformed(
          path: file.path, location: "byte 8",
          reason: "tensor '\(full)' is missing"
            + (alternatives.isEmpty ? "" : " (found \(alternatives))")
            + "; a BERT checkpoint (BertModel names) is expected")
      }
      guard actual == shape else {
        throw EmbeddingError.malformed(
          path: file.path, location: "byte 8",
          reason: "tensor '\(full)' has shape \(actual) but \(configPath) implies \(shape); "
            + "the config and the weights disagree")
      }
      return try file.tensor(named: full)
    }
    let h = config.hiddenSize
    func norm(_ name: String) throws -> LayerNormWeights {
      LayerNormWeights(
        gamma: try tensor(name + ".weight", [h]).row(0),
        beta: try tensor(name + ".bias", [h]).row(0))
    }
    func linear(_ names: [String], out: Int, in inFeatures: Int) throws -> LinearLayer {
      let w = Matrix(rows: out * names.count, columns: inFeatures)
      var bias: [Float] = []
      for (i, name) in names.enumerated() {
        let part = try tensor(name + ".weight", [out, inFeatures])
        w.rowPointer(i * out).update(from: part.baseAddress, count: part.count)
        bias += try tensor(name + ".bias", [out]).row(0)
      }
      let values = UnsafeBufferPointer(w.buffer)
      switch compute {
      case .float32:
        return .float32(
          PackedLinear(
            weights: values, outFeatures: out * names.count, inFeatures: inFeatures, bias: bias))
      case .int8:
        return .int8(
          QuantizedLinear(
            weights: values, outFeatures: out * names.count, inFeatures: inFeatures, bias: bias))
      }
    }
    wordEmbeddings = try tensor(
      "embeddings.word_embeddings.weight", [config.vocabularySize, h])
    positionEmbeddings = try tensor(
      "embeddings.position_embeddings.weight", [config.maxPositions, h])
    tokenType = try tensor(
      "embeddings.token_type_embeddings.weight", [config.typeVocabularySize, h]
    ).row(0)
    embeddingNorm = try norm("embeddings.LayerNorm")
    var layers: [BertLayerWeights] = []
    for l in 0..<config.layerCount {
      let p = "encoder.layer.\(l)."
      layers.append(
        BertLayerWeights(
          queryKeyValue: try linear(
            ["query", "key", "value"].map { p + "attention.self." + $0 }, out: h, in: h),
          attentionOutput: try linear([p + "attention.output.dense"], out: h, in: h),
          attentionNorm: try norm(p + "attention.output.LayerNorm"),
          intermediate: try linear(
            [p + "intermediate.dense"], out: config.intermediateSize, in: h),
          output: try linear([p + "output.dense"], out: h, in: config.intermediateSize),
          outputNorm: try norm(p + "output.LayerNorm")))
    }
    let extra = "encoder.layer.\(config.layerCount).attention.self.query.weight"
    if file.shape(of: prefix + extra) != nil {
      throw EmbeddingError.malformed(
        path: file.path, location: "byte 8",
        reason: "the file has more layers than num_hidden_layers \(config.layerCount) in "
          + "\(configPath); the config and the weights disagree")
    }
    self.layers = layers
  }
}
