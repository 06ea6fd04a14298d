import EmbeddingCore

/// A `[batch, context, dimension]` tensor of floats (row-major), the output of the input layer.
///
/// ```swift
/// let x = try layer.forward(batch.inputs, batchSize: 8, contextLength: 4)
/// x.shape        // [8, 4, 256]
/// x[0, 1, 2]     // one value
/// ```
/// `@unchecked Sendable`: its `Matrix` storage is shared by copies; do not write it from two threads.
public struct EmbeddingTensor: @unchecked Sendable {
  /// Examples.
  public let batchSize: Int
  /// Positions per example.
  public let contextLength: Int
  /// Floats per position.
  public let dimension: Int
  /// The values, `(batchSize × contextLength)` rows of `dimension` floats.
  public let values: Matrix

  /// Allocates a zero tensor.
  public init(batchSize: Int, contextLength: Int, dimension: Int) {
    self.batchSize = batchSize
    self.contextLength = contextLength
    self.dimension = dimension
    values = Matrix(rows: batchSize * contextLength, columns: dimension)
  }

  /// `[batchSize, contextLength, dimension]`, as PyTorch prints `torch.Size([8, 4, 256])`.
  public var shape: [Int] { [batchSize, contextLength, dimension] }

  /// The value at example `b`, position `t`, channel `c`.
  public subscript(b: Int, t: Int, c: Int) -> Float {
    get { values[b * contextLength + t, c] }
    nonmutating set { values[b * contextLength + t, c] = newValue }
  }
}
