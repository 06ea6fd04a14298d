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
/// `@unchecked Sendable`: a table may be handed to another task, but must not be mutated (trained,
/// zeroed) from two threads at once; the kernels parallelise internally over disjoint columns.
public final class EmbeddingTable: @unchecked Sendable {
  /// The largest dimension supported (GPT-3's 12,288).
  public static let maximumDimension = 12_288

  /// The weights, `rows × dimension`.
  public let weights: Matrix
  /// A row that never receives gradient (for example a padding token), or nil.
  public let paddingIndex: Int?
  /// When true, backward passes compute no gradient for this table and optimisers skip it.
  public var isFrozen = false
  /// The gradient of the loss with respect to `weights` (allocated at the first backward pass; nil
  /// before it or while frozen).
  ///
  /// Read it through this property after `zeroGradient()`: zeroing is lazy and this accessor
  /// applies it.
  public var gradient: Matrix? {
    guard storage != nil else { return nil }
    return gradientForWriting()
  }
  private var storage: Matrix?
  private var touched: [Int32] = []
  private var isTouched: [Bool] = []
  private var allTouched = false
  private var isPending: [Bool] = []
  private var pendingList: [Int32] = []

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

  /// Wraps existing weights (for example loaded from a file).
  ///
  /// The matrix is used, not copied.
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
  /// PyTorch's `nn.Embedding(padding_idx:)` does).
  ///
  /// Rows are drawn in blocks from independent streams, so the result is the same whatever the
  /// thread count.
  ///
  /// - Complexity: O(rows × dimension), parallel over row blocks.
  public func fillNormal(standardDeviation: Float, seed: UInt64) {
    let c = dimension
    let blockRows = 1024
    let blocks = (rows + blockRows - 1) / blockRows
    let base = weights.baseAddress
    let total = rows
    parallelChunks(blocks, pieces: Parallelism.pieces(work: rows * c, minimumWork: 1 << 20)) {
      _, range in
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

  /// The gradient, allocating it on first use, with every row up to date (pending zeroes
  /// applied): for dense accumulation.
  func gradientForWriting() -> Matrix {
    let g = gradientStorage()
    flushPendingZeroes()
    return g
  }

  /// The gradient's storage without applying pending zeroes: only for the scatter kernel,
  /// which assigns (rather than adds) the first write of each pending row.
  func gradientStorage() -> Matrix {
    if let storage { return storage }
    let g = Matrix(rows: rows, columns: dimension)
    storage = g
    if isTouched.isEmpty { isTouched = [Bool](repeating: false, count: rows) }
    isPending = [Bool](repeating: false, count: rows)
    return g
  }

  /// Records that rows `ids` (a `[batch, context]` batch) will receive gradient before a
  /// scatter-add, and returns per position 1 if the kernel must *assign* (the row's first write since a
  /// lazy zeroing) or 0 if it must add.
  ///
  /// "First" follows the kernel's order: position t outer, example b inner.
  func markTouched(_ ids: UnsafeBufferPointer<Int32>, batch: Int, context: Int) -> [UInt8] {
    var assign = [UInt8](repeating: 0, count: ids.count)
    if isTouched.isEmpty { isTouched = [Bool](repeating: false, count: rows) }
    if isPending.isEmpty { isPending = [Bool](repeating: false, count: rows) }
    let padding = paddingIndex ?? -1
    let everything = allTouched
    var added: [Int32] = []
    isTouched.withUnsafeMutableBufferPointer { mark in
      isPending.withUnsafeMutableBufferPointer { pending in
        for t in 0..<context {
          for b in 0..<batch {
            let i = b * context + t
            let r = Int(ids[i])
            guard r != padding else { continue }
            if pending[r] {
              pending[r] = false
              assign[i] = 1
            }
            if !everything && !mark[r] {
              mark[r] = true
              added.append(Int32(r))
            }
          }
        }
      }
    }
    touched += added
    if touched.count * 2 > rows { allTouched = true }
    return assign
  }

  /// Zeroes rows whose zeroing was deferred by `zeroGradient()`.
  private func flushPendingZeroes() {
    guard let storage, !pendingList.isEmpty else { return }
    for id in pendingList where isPending[Int(id)] {
      storage.rowPointer(Int(id)).update(repeating: 0, count: dimension)
      isPending[Int(id)] = false
    }
    pendingList.removeAll(keepingCapacity: true)
  }

  /// Records that every row may hold gradient (after a dense update such as an output layer).
  func markAllTouched() { allTouched = true }

  /// The rows that hold non-zero gradient since the last `zeroGradient()`, or nil for "all".
  public var touchedRows: [Int32]? { allTouched ? nil : touched }

  /// Sets the gradient to zero.
  ///
  /// Only rows touched since the last call are cleared, and lazily: a row's zeroing is deferred
  /// until the gradient is next read (`gradient`) or assigned by the next backward pass, whose
  /// first write to the row then replaces instead of adding (so a training step does not pay a
  /// separate pass over the rows it uses).
  ///
  /// - Complexity: O(touched rows).
  public func zeroGradient() {
    guard let storage else { return }
    if allTouched {
      storage.baseAddress.update(repeating: 0, count: storage.count)
      isTouched = [Bool](repeating: false, count: rows)
      isPending = [Bool](repeating: false, count: rows)
      pendingList.removeAll(keepingCapacity: true)
    } else {
      for id in touched {
        isTouched[Int(id)] = false
        if !isPending[Int(id)] {
          isPending[Int(id)] = true
          pendingList.append(id)
        }
      }
      if pendingList.count * 2 > rows { flushPendingZeroes() }
    }
    touched.removeAll(keepingCapacity: true)
    allTouched = false
  }
}
