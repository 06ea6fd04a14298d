import EmbeddingCore

/// An LLM's input layer: token embedding + learned absolute positional embedding.
///
/// For token IDs of shape `[batch, context]` the output is
/// `tokenEmbedding[id] + positionEmbedding[position]`, shape `[batch, context, dimension]`,
/// as in GPT-2 (`wte` and `wpe`) and chapter 2 of *Build a Large Language Model (From Scratch)*.
/// `backward` scatter-adds the output gradient into the rows that were used.
///
/// ```swift
/// let layer = try InputEmbeddingLayer(vocabularySize: 50_257, contextLength: 4, dimension: 256)
/// layer.initializeNormal(standardDeviation: 1, seed: 123)
/// let x = try layer.forward(batch.inputs, batchSize: 8, contextLength: 4)   // [8, 4, 256]
/// try layer.backward(batch.inputs, batchSize: 8, contextLength: 4, outputGradient: dx)
/// ```
///
/// - Complexity: forward and backward are O(batch × context × dimension), multi-threaded
///   over columns for large batches.
/// `@unchecked Sendable`: it can move between tasks, but forward/backward calls on one layer must
/// not overlap (they share gradient buffers); each call is multi-threaded inside.
public final class InputEmbeddingLayer: @unchecked Sendable {
  /// The token embedding, vocabulary × dimension (GPT-2's `wte`).
  public let tokenEmbedding: EmbeddingTable
  /// The positional embedding, context length × dimension (GPT-2's `wpe`).
  public let positionEmbedding: EmbeddingTable

  /// Rows of the token table.
  public var vocabularySize: Int { tokenEmbedding.rows }
  /// Rows of the positional table: the longest context the layer accepts.
  public var contextLength: Int { positionEmbedding.rows }
  /// Floats per token.
  public var dimension: Int { tokenEmbedding.dimension }

  /// Creates zero-filled tables after checking that they fit in memory.
  ///
  /// - Parameters:
  ///   - paddingID: a token ID whose row stays zero and never receives gradient.
  ///   - memoryLimit: bytes the layer (weights + gradients) may use; default:
  ///     `MemoryLimit.current()` (physical and available memory, `ulimit -v`, cgroup limit).
  /// - Throws: `EmbeddingError.invalidArgument` for sizes out of range, `.outOfMemory` if the
  ///   estimate exceeds `memoryLimit`.
  public init(
    vocabularySize: Int, contextLength: Int, dimension: Int, paddingID: Int? = nil,
    memoryLimit: Int? = nil
  ) throws {
    let estimate = MemoryEstimate.inputLayer(
      vocabularySize: vocabularySize, contextLength: contextLength, dimension: dimension,
      batchSize: 1, training: true)
    try estimate.check(limit: memoryLimit)
    tokenEmbedding = try EmbeddingTable(
      rows: vocabularySize, dimension: dimension, paddingIndex: paddingID)
    positionEmbedding = try EmbeddingTable(rows: contextLength, dimension: dimension)
  }

  /// Builds the layer from existing tables (for example loaded GPT-2 `wte` and `wpe`).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if the two tables' dimensions differ.
  public init(tokenEmbedding: EmbeddingTable, positionEmbedding: EmbeddingTable) throws {
    guard tokenEmbedding.dimension == positionEmbedding.dimension else {
      throw EmbeddingError.invalidArgument(
        "the token embedding has dimension \(tokenEmbedding.dimension) but the positional "
          + "embedding has \(positionEmbedding.dimension); they must be equal")
    }
    self.tokenEmbedding = tokenEmbedding
    self.positionEmbedding = positionEmbedding
  }

  /// Fills both tables with seeded N(0, σ²) values (σ = 1 is PyTorch's `nn.Embedding` default, as
  /// in the book; GPT-2 uses 0.02).
  ///
  /// The two tables use different streams.
  public func initializeNormal(standardDeviation: Float = 1, seed: UInt64 = 123) {
    tokenEmbedding.fillNormal(standardDeviation: standardDeviation, seed: seed)
    positionEmbedding.fillNormal(standardDeviation: standardDeviation, seed: seed &+ 0x5EED)
  }

  /// Checks IDs and shapes; returns nil if valid, else the error.
  func validate(_ ids: UnsafeBufferPointer<Int32>, batchSize: Int, contextLength: Int) throws {
    guard batchSize >= 1, contextLength >= 1 else {
      throw EmbeddingError.invalidArgument(
        "batch size and context length must be at least 1 (got \(batchSize), \(contextLength))")
    }
    guard contextLength <= self.contextLength else {
      throw EmbeddingError.invalidArgument(
        "context length \(contextLength) is longer than the positional embedding table "
          + "(\(self.contextLength) positions); create the layer with a context length of at "
          + "least \(contextLength) or use shorter windows")
    }
    guard ids.count == batchSize * contextLength else {
      throw EmbeddingError.invalidArgument(
        "\(ids.count) token IDs do not make a [\(batchSize), \(contextLength)] batch "
          + "(\(batchSize * contextLength) IDs)")
    }
    let v = Int32(clamping: vocabularySize)
    for (i, id) in ids.enumerated() where id < 0 || id >= v {
      throw EmbeddingError.invalidArgument(
        "token ID \(id) at [\(i / contextLength), \(i % contextLength)] is out of range: the "
          + "token embedding has \(vocabularySize) rows (IDs 0...\(vocabularySize - 1)); use "
          + "the tokenizer the table was built for, or a larger vocabulary size")
    }
  }

  /// Token + positional embeddings of a `[batchSize, contextLength]` batch of IDs.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if an ID is out of range, the context is
  ///   longer than the positional table, or the ID count does not match the shape.
  public func forward(_ ids: [Int32], batchSize: Int, contextLength: Int) throws
    -> EmbeddingTensor
  {
    let out = EmbeddingTensor(
      batchSize: batchSize, contextLength: contextLength, dimension: dimension)
    try ids.withUnsafeBufferPointer {
      try forward($0, batchSize: batchSize, contextLength: contextLength, into: out)
    }
    return out
  }

  /// Writes the embeddings of `ids` into `out` (which must have the matching shape).
  public func forward(
    _ ids: UnsafeBufferPointer<Int32>, batchSize: Int, contextLength: Int,
    into out: EmbeddingTensor
  ) throws {
    try validate(ids, batchSize: batchSize, contextLength: contextLength)
    try checkShape(out, batchSize: batchSize, contextLength: contextLength, name: "output")
    guard let idBase = ids.baseAddress else { return }
    EncoderKernels.forward(
      out: out.values.baseAddress, ids: idBase, wte: tokenEmbedding.weights.baseAddress,
      wpe: positionEmbedding.weights.baseAddress, batch: batchSize, context: contextLength,
      channels: dimension)
  }

  /// Adds the gradients of the loss into the two tables' `gradient`s, given the gradient with
  /// respect to the layer's output.
  ///
  /// Frozen tables are skipped; the padding row gets nothing. Gradients accumulate until
  /// `zeroGradients()`.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` as `forward`, or if the gradient's shape
  ///   is not `[batchSize, contextLength, dimension]`.
  public func backward(
    _ ids: [Int32], batchSize: Int, contextLength: Int, outputGradient: EmbeddingTensor
  ) throws {
    try ids.withUnsafeBufferPointer {
      try backward(
        $0, batchSize: batchSize, contextLength: contextLength, outputGradient: outputGradient)
    }
  }

  /// `backward` over a buffer of IDs.
  public func backward(
    _ ids: UnsafeBufferPointer<Int32>, batchSize: Int, contextLength: Int,
    outputGradient: EmbeddingTensor
  ) throws {
    try validate(ids, batchSize: batchSize, contextLength: contextLength)
    try checkShape(
      outputGradient, batchSize: batchSize, contextLength: contextLength, name: "gradient")
    guard let idBase = ids.baseAddress else { return }
    var dwte: UnsafeMutablePointer<Float>? = nil
    var dwpe: UnsafeMutablePointer<Float>? = nil
    var assign: [UInt8] = []
    if !tokenEmbedding.isFrozen {
      dwte = tokenEmbedding.gradientStorage().baseAddress
      assign = tokenEmbedding.markTouched(ids, batch: batchSize, context: contextLength)
    }
    if !positionEmbedding.isFrozen {
      dwpe = positionEmbedding.gradientForWriting().baseAddress
      positionEmbedding.markAllTouched()
    }
    assign.withUnsafeBufferPointer { assign in
      EncoderKernels.backward(
        dwte: dwte, dwpe: dwpe, dout: outputGradient.values.baseAddress, ids: idBase,
        assign: assign.baseAddress, paddingID: Int32(clamping: tokenEmbedding.paddingIndex ?? -1),
        batch: batchSize, context: contextLength, channels: dimension)
    }
  }

  /// Zeroes both tables' gradients (only the rows touched since the last call).
  public func zeroGradients() {
    tokenEmbedding.zeroGradient()
    positionEmbedding.zeroGradient()
  }

  private func checkShape(
    _ tensor: EmbeddingTensor, batchSize: Int, contextLength: Int, name: String
  ) throws {
    guard tensor.shape == [batchSize, contextLength, dimension] else {
      throw EmbeddingError.invalidArgument(
        "the \(name) tensor has shape \(tensor.shape) but [\(batchSize), \(contextLength), "
          + "\(dimension)] is needed")
    }
  }
}
