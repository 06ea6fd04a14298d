import EmbeddingCore

/// Groups a `SlidingWindowDataset` into batches, like the book's `create_dataloader_v1`.
///
/// Without shuffling, batch `k` holds windows `k·batchSize ..< (k+1)·batchSize` in order, which
/// is exactly what PyTorch's `DataLoader(shuffle=False)` yields. With `shuffle`, each epoch
/// uses a Fisher–Yates permutation drawn from `SeededGenerator.stream(seed:index: epoch)`: the
/// same seed and epoch give the same order on every platform. (PyTorch's shuffled order comes
/// from torch's own generator and cannot be reproduced without torch; only the set of pairs
/// is the same.) `dropLast` drops a final batch smaller than `batchSize`, as the book does by
/// default.
///
/// ```swift
/// let loader = try BatchLoader(dataset: data, batchSize: 8, shuffle: false, dropLast: true)
/// for batch in loader.batches(epoch: 0) { print(batch.inputRows) }
/// ```
///
/// - Complexity: O(count) per epoch to build the order; O(batchSize × maxLength) per batch.
public struct BatchLoader: Sendable {
  /// The windows to batch.
  public let dataset: SlidingWindowDataset
  /// Windows per batch.
  public let batchSize: Int
  /// Whether each epoch visits the windows in a seeded random order.
  public let shuffle: Bool
  /// Whether a last, incomplete batch is dropped.
  public let dropLast: Bool
  /// Seed of the shuffle.
  public let seed: UInt64

  /// Creates a loader.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `batchSize < 1`, or if `dropLast` would
  ///   leave no batch at all (fewer windows than one batch).
  public init(
    dataset: SlidingWindowDataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = true,
    seed: UInt64 = 123
  ) throws {
    guard batchSize >= 1 else {
      throw EmbeddingError.invalidArgument("batch size must be at least 1 (got \(batchSize))")
    }
    if dropLast && dataset.count < batchSize {
      throw EmbeddingError.invalidArgument(
        "the text gives \(dataset.count) windows, fewer than one batch of \(batchSize) with "
          + "drop-last on; use a longer text, a smaller batch, a smaller stride, or keep the "
          + "last batch (--keep-last)")
    }
    self.dataset = dataset
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.seed = seed
  }

  /// Number of batches per epoch.
  public var batchCount: Int {
    dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
  }

  /// The order in which epoch `epoch` visits the windows.
  public func order(epoch: Int) -> [Int] {
    var order = Array(0..<dataset.count)
    guard shuffle else { return order }
    var rng = SeededGenerator.stream(seed: seed, index: epoch)
    var i = order.count - 1
    while i > 0 {
      let j = Int(rng.next() % UInt64(i + 1))
      order.swapAt(i, j)
      i -= 1
    }
    return order
  }

  /// The batches of epoch `epoch`, built lazily.
  public func batches(epoch: Int = 0) -> Batches {
    Batches(loader: self, order: order(epoch: epoch))
  }

  /// Batch `index` for a given window order.
  func batch(_ index: Int, order: [Int]) -> Batch {
    let first = index * batchSize
    let last = min(first + batchSize, order.count)
    let window = Array(order[first..<last])
    let t = dataset.maxLength
    var inputs = [Int32]()
    var targets = [Int32]()
    inputs.reserveCapacity(window.count * t)
    targets.reserveCapacity(window.count * t)
    for w in window {
      inputs.append(contentsOf: dataset.input(at: w))
      targets.append(contentsOf: dataset.target(at: w))
    }
    return Batch(
      batchSize: window.count, contextLength: t, inputs: inputs, targets: targets,
      windowIndices: window)
  }

  /// The batches of one epoch, as a random-access collection.
  public struct Batches: RandomAccessCollection, Sendable {
    let loader: BatchLoader
    let order: [Int]
    /// The first batch index (0).
    public var startIndex: Int { 0 }
    /// One past the last batch index.
    public var endIndex: Int { loader.batchCount }
    /// Batch `position`.
    public subscript(position: Int) -> Batch { loader.batch(position, order: order) }
  }
}
