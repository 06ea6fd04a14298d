import EmbeddingCore

/// A trainable lookup table: one row of `dimension` floats per index, plus its gradient.
///
/// The token embedding (vocabulary × dim) and the positional embedding (context × dim) are
/// both `EmbeddingTable`s. The gradient is dense (same shape as the weights) but the table
/// remembers which rows a backward pass touched, so `zeroGradient()` clears only those rows:
/// a batch of 8,192 tokens does not pay for zeroing 50,257 × 768 floats.
///
/// ```swift
/// let table = try EmbeddingTable(rows: 50_257, dimension: 768, paddingIndex: nil)
/// table.fillNormal(standardDeviation: 0.02, seed: 123)
/// table.isFrozen = true   // backward passes leave it (and its gradient) alone
/// ```
public final class EmbeddingTable: @unchecked Sendable {
  /// The largest dimension supported (GPT-3's 12,288).
  public static let maximumDimension = 12_288

  /// The weights, `rows × dimension`.
  public let weights: Matrix
  /// A row that never receives gradient (e.g. a padding token), or nil.
  public let paddingIndex: Int?
  /// When true, backward passes compute no gradient for this table and optimisers skip it.
  public var isFrozen = false
  /// The gradient of the loss with respect to `weights` (allocated at the first backward pass).
  public private(set) var gradient: Matrix?
  private var touched: [Int32] = []
  private var isTouched: [Bool] = []
  private var allTouched = false

  /// Number of rows.
  public var rows: Int { weights.rows }
  /// Floats per row.
  public var dimension: Int { weights.columns }

  /// Creates a zero-filled table.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `rows < 1`, `dimension` is outside
  ///   1...12,288, or `paddingIndex` is not a row.
  public init(rows: Int, dimension: Int, paddingIndex: Int? = nil) throws {
    try Self.validate(rows: rows, dimension: dimension, paddingIndex: paddingIndex)
    weights = Matrix(rows: rows, columns: dimension)
    self.paddingIndex = paddingIndex
  }

  /// Wraps existing weights (e.g. loaded from a file). The matrix is used, not copied.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` as `init(rows:dimension:paddingIndex:)`.
  public init(weights: Matrix, paddingIndex: Int? = nil) throws {
    try Self.validate(rows: weights.rows, dimension: weights.columns, paddingIndex: paddingIndex)
    self.weights = weights
    self.paddingIndex = paddingIndex
  }

  static func validate(rows: Int, dimension: Int, paddingIndex: Int?) throws {
    guard rows >= 1 else {
      throw EmbeddingError.invalidArgument("an embedding table needs at least 1 row (got \(rows))")
    }
    guard (1...maximumDimension).contains(dimension) else {
      throw EmbeddingError.invalidArgument(
        "embedding dimension must be in 1...\(maximumDimension) (got \(dimension))")
    }
    if let p = paddingIndex, !(0..<rows).contains(p) {
      throw EmbeddingError.invalidArgument("padding index \(p) is not a row of 0..<\(rows)")
    }
  }

  /// Fills the weights with N(0, σ²) draws from `seed` (the padding row, if any, is zero, as
  /// PyTorch's `nn.Embedding(padding_idx:)` does). Rows are drawn in blocks from independent
  /// streams, so the result is the same whatever the thread count.
  ///
  /// - Complexity: O(rows × dimension), parallel over row blocks.
  public func fillNormal(standardDeviation: Float, seed: UInt64) {
    let c = dimension
    let blockRows = 1024
    let blocks = (rows + blockRows - 1) / blockRows
    let base = weights.baseAddress
    let total = rows
    ParallelWork.forEachChunk(blocks, work: rows * c, minimumWork: 1 << 20) { range in
      for block in range {
        var rng = SeededGenerator.stream(seed: seed, index: block)
        let lower = block * blockRows
        let upper = min(total, lower + blockRows)
        let p = base + lower * c
        for i in 0..<((upper - lower) * c) { p[i] = rng.nextGaussian() * standardDeviation }
      }
    }
    if let pad = paddingIndex { weights.rowPointer(pad).update(repeating: 0, count: c) }
  }

  /// The gradient, allocating it on first use.
  func gradientForWriting() -> Matrix {
    if let gradient { return gradient }
    let g = Matrix(rows: rows, columns: dimension)
    gradient = g
    isTouched = [Bool](repeating: false, count: rows)
    return g
  }

  /// Records that rows `ids` will receive gradient (before a scatter-add).
  func markTouched(_ ids: UnsafeBufferPointer<Int32>) {
    guard !allTouched else { return }
    if isTouched.isEmpty { isTouched = [Bool](repeating: false, count: rows) }
    isTouched.withUnsafeMutableBufferPointer { mark in
      for id in ids where !mark[Int(id)] {
        mark[Int(id)] = true
        touched.append(id)
      }
    }
    if touched.count * 2 > rows { allTouched = true }
  }

  /// Records that every row may hold gradient (after a dense update such as an output layer).
  func markAllTouched() { allTouched = true }

  /// The rows that hold non-zero gradient since the last `zeroGradient()`, or nil for "all".
  public var touchedRows: [Int32]? { allTouched ? nil : touched }

  /// Sets the gradient to zero, clearing only the rows touched since the last call.
  ///
  /// - Complexity: O(touched rows × dimension).
  public func zeroGradient() {
    guard let gradient else { return }
    if allTouched {
      gradient.baseAddress.update(repeating: 0, count: gradient.count)
      isTouched = [Bool](repeating: false, count: rows)
    } else {
      for id in touched {
        gradient.rowPointer(Int(id)).update(repeating: 0, count: dimension)
        isTouched[Int(id)] = false
      }
    }
    touched.removeAll(keepingCapacity: true)
    allTouched = false
  }
}
