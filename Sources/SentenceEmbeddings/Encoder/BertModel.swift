import EmbeddingCore
import Foundation

/// A BERT encoder with its pooling: token ids in, one vector per sequence out.
///
/// Loads `config.json`, `model.safetensors` and the sentence-transformers files of a model
/// folder (see `SentenceModelLayout`). `SentenceEncoder` adds the tokenizer on top; use this
/// type directly when you already have token ids.
///
/// ```swift
/// let model = try BertModel(directory: "all-MiniLM-L6-v2")
/// let vectors = try model.embed(tokenIDs: [[101, 7592, 102]], threads: 2)   // 1 × 384
/// ```
public final class BertModel: Sendable {
  /// The transformer's shape.
  public let config: BertConfiguration
  /// Pooling, normalisation, sequence limit and prompts.
  public let layout: SentenceModelLayout
  /// Float32 or int8 linear layers.
  public let compute: ComputeMode
  /// Path of the weights file.
  public let weightsPath: String
  let weights: BertWeights

  /// Loads the model in `directory`.
  ///
  /// - Throws: `EmbeddingError.io` naming a missing file (`config.json`, `model.safetensors`),
  ///   `.malformed` naming the file and what was expected when a file is damaged or the config
  ///   and the tensors disagree.
  /// `compute` selects float32 or int8 linear layers (see `ComputeMode`).
  public init(directory: String, compute: ComputeMode = .float32) throws {
    let configPath = (directory as NSString).appendingPathComponent("config.json")
    let weightsPath = (directory as NSString).appendingPathComponent("model.safetensors")
    for path in [configPath, weightsPath] where !FileManager.default.fileExists(atPath: path) {
      throw EmbeddingError.io(
        path: path,
        reason: "missing; a model folder in Hugging Face / sentence-transformers layout "
          + "(config.json, model.safetensors, vocab.txt or tokenizer.json) is expected")
    }
    config = try BertConfiguration(contentsOf: configPath)
    layout = try SentenceModelLayout(directory: directory, maxPositions: config.maxPositions)
    self.weightsPath = weightsPath
    let file = try SafetensorsFile(path: weightsPath)
    weights = try BertWeights(
      file: file, config: config, configPath: configPath, compute: compute)
    self.compute = compute
  }

  /// Vector length (the hidden size).
  public var dimension: Int { config.hiddenSize }

  /// Encodes sequences of token ids (each with its `[CLS]` … `[SEP]`, at most
  /// `layout.maxSequenceLength` long) to pooled, optionally normalised rows, row `i` for
  /// `tokenIDs[i]`. `normalize` overrides the model's Normalize module (nil: follow
  /// `layout.normalize`; false gives the raw pooled vectors, as distillation wants them).
  ///
  /// All sequences run as one ragged batch: callers bound memory by the batch they pass
  /// (activations take about `Σ lengths × (3·hidden + intermediate) × 4` bytes). With several
  /// threads the sequences are split into `threads` groups of near-equal cost, each encoded on
  /// one thread with no synchronisation inside the forward pass; when no balanced split exists
  /// (fewer sequences than threads, one long sequence) the threads share every matrix product
  /// instead. Every row is computed the same way either way, so vectors do not depend on the
  /// thread count or on the batch's other sequences.
  /// `profile`, when given, receives the time of each stage (see `ForwardProfile`).
  /// - Throws: `EmbeddingError.invalidArgument` for an empty sequence, one longer than the
  ///   position table, or an id outside the vocabulary.
  /// - Complexity: O(Σ L · hidden · (hidden + intermediate) + Σ L² · hidden) per layer.
  public func embed(
    tokenIDs: [[Int32]], threads: Int = 1, normalize: Bool? = nil, profile: ForwardProfile? = nil
  ) throws
    -> Matrix
  {
    let out = Matrix(rows: tokenIDs.count, columns: dimension)
    guard !tokenIDs.isEmpty else { return out }
    for (i, ids) in tokenIDs.enumerated() {
      guard !ids.isEmpty, ids.count <= config.maxPositions else {
        throw EmbeddingError.invalidArgument(
          "sequence \(i) has \(ids.count) tokens; 1...\(config.maxPositions) are allowed")
      }
      if let bad = ids.first(where: { $0 < 0 || Int($0) >= config.vocabularySize }) {
        throw EmbeddingError.invalidArgument(
          "sequence \(i) has token id \(bad), outside the vocabulary (0..<\(config.vocabularySize))"
        )
      }
    }
    let groups = SequenceSplit.groups(lengths: tokenIDs.map(\.count), threads: threads)
    if groups.count <= 1 {
      encode(
        tokenIDs, into: out.baseAddress, threads: threads, normalize: normalize ?? layout.normalize,
        profile: profile)
    } else {
      let rows = UnsafeSendable(out.baseAddress)
      parallelFor(groups.count, threads: groups.count) { g in
        let members = groups[g]
        let part = UnsafeMutablePointer<Float>.allocate(capacity: members.count * self.dimension)
        defer { part.deallocate() }
        self.encode(
          members.map { tokenIDs[$0] }, into: part, threads: 1,
          normalize: normalize ?? self.layout.normalize, profile: profile)
        for (k, i) in members.enumerated() {
          (rows.value + i * self.dimension).update(
            from: part + k * self.dimension, count: self.dimension)
        }
      }
    }
    return out
  }

  /// Pooled (and normalised) rows of checked sequences into out: [tokenIDs.count × hidden].
  func encode(
    _ tokenIDs: [[Int32]], into out: UnsafeMutablePointer<Float>, threads: Int, normalize: Bool,
    profile: ForwardProfile?
  ) {
    let batch = RaggedBatch(lengths: tokenIDs.map(\.count))
    let hidden = forward(
      ids: tokenIDs.flatMap { $0 }, batch: batch, threads: threads, profile: profile)
    var clock = StageClock(profile)
    TransformerKernels.pool(
      hidden.baseAddress, batch: batch, width: dimension, pooling: layout.pooling, into: out)
    if normalize {
      for r in 0..<batch.count { _ = VectorKernels.normalize(out + r * dimension, dimension) }
    }
    clock.lap(.pooling)
  }

  /// The final hidden states of a ragged batch: [tokenCount × hidden].
  func forward(ids: [Int32], batch: RaggedBatch, threads: Int, profile: ForwardProfile? = nil)
    -> Matrix
  {
    let h = config.hiddenSize
    let t = batch.tokenCount
    let x = Matrix(rows: t, columns: h)
    let qkv = UnsafeMutablePointer<Float>.allocate(capacity: t * 3 * h)
    let context = UnsafeMutablePointer<Float>.allocate(capacity: t * h)
    let inner = UnsafeMutablePointer<Float>.allocate(capacity: t * config.intermediateSize)
    defer {
      qkv.deallocate()
      context.deallocate()
      inner.deallocate()
    }
    let eps = config.layerNormEpsilon
    var clock = StageClock(profile)
    TransformerKernels.embed(
      ids: ids, batch: batch, weights: weights, epsilon: eps, into: x.baseAddress, threads: threads)
    clock.lap(.embeddings)
    for layer in weights.layers {
      // qkv: [t × 3h]; context: [t × h] attention per (sequence, head).
      layer.queryKeyValue.apply(x.baseAddress, rows: t, into: qkv, threads: threads)
      clock.lap(.queryKeyValue)
      SelfAttention.forward(
        qkv: qkv, batch: batch, hidden: h, heads: config.headCount, into: context, threads: threads)
      clock.lap(.attention)
      // x = LayerNorm(x + context · Woᵀ + bo); the projection goes to qkv's first t × h floats.
      layer.attentionOutput.apply(context, rows: t, into: qkv, threads: threads)
      clock.lap(.attentionOutput)
      TransformerKernels.layerNorm(
        x.baseAddress, residual: qkv, rows: t, width: h, layer.attentionNorm, eps, threads: threads)
      clock.lap(.attentionNorm)
      // x = LayerNorm(x + GELU(x · W1ᵀ + b1) · W2ᵀ + b2).
      layer.intermediate.apply(
        x.baseAddress, rows: t, into: inner, activation: .gelu, threads: threads
      )
      clock.lap(.feedForwardUp)
      layer.output.apply(inner, rows: t, into: context, threads: threads)
      clock.lap(.feedForwardDown)
      TransformerKernels.layerNorm(
        x.baseAddress, residual: context, rows: t, width: h, layer.outputNorm, eps, threads: threads
      )
      clock.lap(.outputNorm)
    }
    return x
  }
}
