import EmbeddingCore

/// Input/target windows cut from one token-ID sequence, exactly as the book's `GPTDatasetV1`.
///
/// Window `i` starts at token `i * stride`; its input is `maxLength` IDs and its target is the
/// same window shifted one token to the right (the next token at every position). Windows start
/// at `0, stride, 2·stride, …` while `start < tokenIDs.count - maxLength`, which is the
/// book's `for i in range(0, len(token_ids) - max_length, stride)`, so a final window that would
/// run past the end is dropped rather than padded.
///
/// ```swift
/// let data = try SlidingWindowDataset(tokenIDs: [40, 367, 2885, 1464, 1807], maxLength: 2, stride: 2)
/// data.count          // 2
/// data.input(at: 0)   // [40, 367]
/// data.target(at: 0)  // [367, 2885]
/// ```
///
/// - Complexity: O(1) to create (the IDs are stored once, windows are views).
public struct SlidingWindowDataset: Sendable {
  /// The whole token sequence the windows are cut from.
  public let tokenIDs: [Int32]
  /// Tokens per window (the model's context length).
  public let maxLength: Int
  /// Tokens between the starts of consecutive windows (`stride == maxLength`: no overlap).
  public let stride: Int
  /// Number of input/target pairs.
  public let count: Int

  /// Cuts `tokenIDs` into windows.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `maxLength` or `stride` is below 1, or if
  ///   the sequence is too short for one window (it needs `maxLength + 1` tokens: the input
  ///   plus the next token of its last position).
  public init<IDs: Collection>(tokenIDs: IDs, maxLength: Int, stride: Int) throws
  where IDs.Element: BinaryInteger {
    guard maxLength >= 1 else {
      throw EmbeddingError.invalidArgument("max length must be at least 1 (got \(maxLength))")
    }
    guard stride >= 1 else {
      throw EmbeddingError.invalidArgument("stride must be at least 1 (got \(stride))")
    }
    var ids = [Int32]()
    ids.reserveCapacity(tokenIDs.count)
    for id in tokenIDs {
      guard id >= 0 && id <= Int32.max else {
        throw EmbeddingError.invalidArgument("token ID \(id) is not in 0...\(Int32.max)")
      }
      ids.append(Int32(id))
    }
    guard ids.count > maxLength else {
      throw EmbeddingError.invalidArgument(
        "the text has \(ids.count) tokens but one window of max length \(maxLength) needs "
          + "\(maxLength.addingReportingOverflow(1).partialValue) (the inputs plus the next "
          + "token); use a longer text or a "
          + "smaller max length")
    }
    self.tokenIDs = ids
    self.maxLength = maxLength
    self.stride = stride
    // Starts 0, stride, … < n - maxLength: ceil((n - maxLength) / stride) windows, written
    // without `+ stride - 1` so a stride near Int.max cannot overflow (found by the fuzzer).
    let span = ids.count - maxLength
    count = span <= 0 ? 0 : (span - 1) / stride + 1
  }

  /// Index of the first token of window `index`.
  @inlinable public func start(of index: Int) -> Int { index * stride }

  /// The input IDs of window `index` (`maxLength` tokens).
  public func input(at index: Int) -> ArraySlice<Int32> {
    precondition(index >= 0 && index < count, "window \(index) is out of 0..<\(count)")
    let s = start(of: index)
    return tokenIDs[s..<(s + maxLength)]
  }

  /// The target IDs of window `index`: its inputs shifted by one token.
  public func target(at index: Int) -> ArraySlice<Int32> {
    precondition(index >= 0 && index < count, "window \(index) is out of 0..<\(count)")
    let s = start(of: index) + 1
    return tokenIDs[s..<(s + maxLength)]
  }
}
