import EmbeddingCore

/// Token IDs split into a training part and a held-out part, renumbered compactly.
///
/// The held-out part is the *last* `validationFraction` of the tokens (a contiguous tail, so
/// no training window overlaps it). The compact vocabulary is built from the training part.
///
/// ```swift
/// let data = try NextTokenData(tokenIDs: ids, validationFraction: 0.1, vocabularyLimit: 4096)
/// data.vocabulary.count          // ≤ 4096 rows for the model
/// data.trainingIDs, data.validationIDs   // compact IDs
/// ```
public struct NextTokenData: Sendable {
  /// The compact vocabulary (most frequent training tokens first, last row shared).
  public let vocabulary: CompactVocabulary
  /// Compact IDs of the training part.
  public let trainingIDs: [Int32]
  /// Compact IDs of the held-out part.
  public let validationIDs: [Int32]
  /// Fraction of all tokens (training and held-out) that fall on the shared "other" row.
  public let otherFraction: Double

  /// Splits and renumbers `tokenIDs`.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `validationFraction` is not in (0, 0.5],
  ///   `vocabularyLimit < 2`, or an ID is negative.
  public init<IDs: Collection>(
    tokenIDs: IDs, validationFraction: Double, vocabularyLimit: Int?
  ) throws where IDs.Element: BinaryInteger {
    guard validationFraction > 0, validationFraction <= 0.5 else {
      throw EmbeddingError.invalidArgument(
        "validation fraction must be in (0, 0.5] (got \(validationFraction))")
    }
    if let limit = vocabularyLimit, limit < 2 {
      throw EmbeddingError.invalidArgument("vocabulary limit must be at least 2 (got \(limit))")
    }
    var ids = [Int32]()
    ids.reserveCapacity(tokenIDs.count)
    for id in tokenIDs {
      guard id >= 0 && id <= Int32.max else {
        throw EmbeddingError.invalidArgument("token ID \(id) is negative or too large")
      }
      ids.append(Int32(id))
    }
    let split = ids.count - Int((Double(ids.count) * validationFraction).rounded())
    let train = Array(ids[..<split])
    vocabulary = CompactVocabulary(trainingIDs: train, maximumSize: vocabularyLimit)
    trainingIDs = vocabulary.map(train)
    validationIDs = vocabulary.map(Array(ids[split...]))
    let other = vocabulary.otherID
    let rare =
      trainingIDs.reduce(0) { $0 + ($1 == other ? 1 : 0) }
      + validationIDs.reduce(0) { $0 + ($1 == other ? 1 : 0) }
    otherFraction = ids.isEmpty ? 0 : Double(rare) / Double(ids.count)
  }
}
