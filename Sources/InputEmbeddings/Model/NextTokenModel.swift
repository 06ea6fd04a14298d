import EmbeddingCore

/// The smallest model that trains input embeddings for a task: next-token prediction.
///
/// `logits = (tokenEmbedding[id] + positionEmbedding[t]) · Wᵀ`, then softmax cross-entropy
/// against the next token. `W` is the token table itself when `tiedOutput` (as GPT-2 ties
/// `lm_head` to `wte`), or a separate `vocabulary × dimension` table. There is no bias and no
/// attention: the model sees one token and its position, so it learns bigram statistics, which
/// is enough for its embeddings to take on meaning.
///
/// ```swift
/// let model = try NextTokenModel(vocabularySize: 4096, contextLength: 32, dimension: 64,
///                                tiedOutput: false, seed: 123)
/// let loss = try model.lossAndGradients(batch)       // fills the gradients
/// optimizer.step(model.parameters)
/// ```
///
/// - Complexity: a step is O(batch × context × vocabulary × dimension).
/// `@unchecked Sendable`: it can move between tasks, but steps on one model must not overlap (they
/// share workspace and gradient buffers).
public final class NextTokenModel: @unchecked Sendable {
  /// Token + positional embeddings.
  public let inputLayer: InputEmbeddingLayer
  /// The output projection (the token table when tied).
  public let outputWeights: EmbeddingTable
  /// Whether the output projection is the token embedding.
  public let tiedOutput: Bool

  /// Vocabulary size (rows of the token table and of the output).
  public var vocabularySize: Int { inputLayer.vocabularySize }
  /// The longest context.
  public var contextLength: Int { inputLayer.contextLength }
  /// Embedding dimension.
  public var dimension: Int { inputLayer.dimension }

  /// The trainable tables, each once (the token table once even when tied).
  public var parameters: [EmbeddingTable] {
    tiedOutput
      ? [inputLayer.tokenEmbedding, inputLayer.positionEmbedding]
      : [inputLayer.tokenEmbedding, inputLayer.positionEmbedding, outputWeights]
  }

  /// Creates a model with seeded N(0, σ²) weights.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for sizes out of range.
  public convenience init(
    vocabularySize: Int, contextLength: Int, dimension: Int, tiedOutput: Bool,
    initialStandardDeviation: Float = 0.02, seed: UInt64 = 123
  ) throws {
    let layer = try InputEmbeddingLayer(
      vocabularySize: vocabularySize, contextLength: contextLength, dimension: dimension)
    layer.initializeNormal(standardDeviation: initialStandardDeviation, seed: seed)
    try self.init(inputLayer: layer, tiedOutput: tiedOutput)
    if !tiedOutput {
      outputWeights.fillNormal(standardDeviation: initialStandardDeviation, seed: seed &+ 1)
    }
  }

  /// Wraps an existing input layer (for example initialised from Word2Vec vectors); an untied
  /// output table is zero-filled, ready for `outputWeights.fillNormal`.
  public init(inputLayer: InputEmbeddingLayer, tiedOutput: Bool) throws {
    self.inputLayer = inputLayer
    self.tiedOutput = tiedOutput
    outputWeights =
      tiedOutput
      ? inputLayer.tokenEmbedding
      : try EmbeddingTable(rows: inputLayer.vocabularySize, dimension: inputLayer.dimension)
  }

  /// Workspace reused between steps.
  private var x: EmbeddingTensor?
  private var dx: EmbeddingTensor?
  private var logits: Matrix?

  private func workspace(_ n: Int, _ b: Int, _ t: Int) -> (EmbeddingTensor, EmbeddingTensor, Matrix)
  {
    if let x, let dx, let logits, x.shape == [b, t, dimension] { return (x, dx, logits) }
    let nx = EmbeddingTensor(batchSize: b, contextLength: t, dimension: dimension)
    let ndx = EmbeddingTensor(batchSize: b, contextLength: t, dimension: dimension)
    let nl = Matrix(rows: n, columns: vocabularySize)
    (x, dx, logits) = (nx, ndx, nl)
    return (nx, ndx, nl)
  }

  /// Mean cross-entropy of the batch, without touching gradients.
  public func loss(_ batch: Batch) throws -> Double {
    try run(batch, gradients: false)
  }

  /// Mean cross-entropy of the batch; adds its gradients into every table's `gradient`
  /// (call `zeroGradients()` between steps, as an optimiser step does).
  public func lossAndGradients(_ batch: Batch) throws -> Double {
    try run(batch, gradients: true)
  }

  /// Zeroes all gradients.
  public func zeroGradients() {
    for p in parameters { p.zeroGradient() }
  }

  private func run(_ batch: Batch, gradients: Bool) throws -> Double {
    let b = batch.batchSize
    let t = batch.contextLength
    let n = b * t
    let v = vocabularySize
    let c = dimension
    let (x, dx, logits) = workspace(n, b, t)
    try batch.inputs.withUnsafeBufferPointer { ids in
      try inputLayer.forward(ids, batchSize: b, contextLength: t, into: x)
    }
    for target in batch.targets where target < 0 || Int(target) >= v {
      throw EmbeddingError.invalidArgument(
        "target ID \(target) is out of range for a vocabulary of \(v)")
    }
    let w = outputWeights.weights.baseAddress
    OutputKernels.logits(
      logits.baseAddress, x: x.values.baseAddress, w: w, tokens: n, vocabulary: v, channels: c)
    let total = batch.targets.withUnsafeBufferPointer { targets in
      OutputKernels.softmaxCrossEntropy(
        logits.baseAddress, targets: targets.baseAddress!, tokens: n, vocabulary: v,
        scale: 1 / Float(n), computeGradient: gradients)
    }
    guard gradients else { return total / Double(n) }
    // dx before dW: when tied, dW is added into the table that dx reads.
    OutputKernels.inputGradient(
      dx.values.baseAddress, g: logits.baseAddress, w: w, tokens: n, vocabulary: v, channels: c)
    if !outputWeights.isFrozen {
      let dw = outputWeights.gradientForWriting()
      outputWeights.markAllTouched()
      OutputKernels.weightGradient(
        dw.baseAddress, g: logits.baseAddress, x: x.values.baseAddress, tokens: n,
        vocabulary: v, channels: c)
    }
    try batch.inputs.withUnsafeBufferPointer { ids in
      try inputLayer.backward(ids, batchSize: b, contextLength: t, outputGradient: dx)
    }
    return total / Double(n)
  }
}
