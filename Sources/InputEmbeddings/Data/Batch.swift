/// One batch of input/target windows, row-major `[batchSize, contextLength]`.
///
/// ```swift
/// let batch = loader.batches(epoch: 0).first!
/// batch.inputs[b * batch.contextLength + t]   // token at position t of example b
/// ```
public struct Batch: Sendable, Equatable {
  /// Examples in this batch (the last batch may be smaller unless `dropLast`).
  public let batchSize: Int
  /// Tokens per example.
  public let contextLength: Int
  /// Input IDs, `batchSize × contextLength`, row-major.
  public let inputs: [Int32]
  /// Target IDs (the next token of each input), same shape as `inputs`.
  public let targets: [Int32]
  /// The dataset indices of the windows in this batch, in order.
  public let windowIndices: [Int]

  /// Creates a batch; `inputs` and `targets` must both hold `batchSize × contextLength` IDs.
  public init(
    batchSize: Int, contextLength: Int, inputs: [Int32], targets: [Int32], windowIndices: [Int]
  ) {
    precondition(inputs.count == batchSize * contextLength && targets.count == inputs.count)
    self.batchSize = batchSize
    self.contextLength = contextLength
    self.inputs = inputs
    self.targets = targets
    self.windowIndices = windowIndices
  }

  /// The input IDs of example `b` as nested arrays, for printing (`[[40, 367, …], …]`).
  public var inputRows: [[Int32]] {
    (0..<batchSize).map { Array(inputs[($0 * contextLength)..<(($0 + 1) * contextLength)]) }
  }

  /// The target IDs as nested arrays, for printing.
  public var targetRows: [[Int32]] {
    (0..<batchSize).map { Array(targets[($0 * contextLength)..<(($0 + 1) * contextLength)]) }
  }
}
