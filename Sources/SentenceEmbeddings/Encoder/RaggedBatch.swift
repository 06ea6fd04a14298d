/// Several token sequences laid end to end, without padding: sequence `s` owns rows
/// `offsets[s] ..< offsets[s] + lengths[s]` of every [tokens × width] activation.
///
/// Linear layers run once over all `tokenCount` rows; only attention looks at the boundaries.
///
/// ```swift
/// let batch = RaggedBatch(lengths: [3, 5])   // offsets [0, 3], tokenCount 8
/// ```
struct RaggedBatch: Sendable {
  /// Tokens of each sequence.
  let lengths: [Int]
  /// First row of each sequence.
  let offsets: [Int]
  /// Σ lengths.
  let tokenCount: Int

  /// Lays out sequences of the given lengths in order.
  init(lengths: [Int]) {
    self.lengths = lengths
    var offsets: [Int] = []
    offsets.reserveCapacity(lengths.count)
    var total = 0
    for n in lengths {
      offsets.append(total)
      total += n
    }
    self.offsets = offsets
    tokenCount = total
  }

  /// Number of sequences.
  var count: Int { lengths.count }
}
