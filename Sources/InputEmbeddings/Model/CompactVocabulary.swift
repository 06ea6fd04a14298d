import EmbeddingCore

/// Renumbers the token IDs that occur in a text as 0, 1, 2, … (most frequent first).
///
/// A GPT-2 vocabulary has 50,257 rows but a few MB of text uses far fewer; training a
/// next-token model over the compact set is many times faster (the output layer costs
/// vocabulary × dimension per token). With `maximumSize`, only the most frequent
/// `maximumSize − 1` tokens keep their own row and all others share the last row, `otherID`.
/// Tokens of a validation text that training never saw also map to `otherID`.
///
/// ```swift
/// let vocab = CompactVocabulary(trainingIDs: ids, maximumSize: 4096)
/// let compact = vocab.map(ids)              // values in 0..<vocab.count
/// vocab.originalID(of: 0)                   // e.g. 13 (".") or 262 (" the")
/// ```
public struct CompactVocabulary: Sendable {
  /// Original ID of each compact ID; `-1` for the shared `otherID` row.
  public let originalIDs: [Int32]
  /// Occurrences of each compact ID in the training IDs.
  public let counts: [Int]
  /// The row shared by rare and unseen tokens (the last row).
  public var otherID: Int32 { Int32(originalIDs.count - 1) }
  /// Rows (including the shared row).
  public var count: Int { originalIDs.count }
  private let compactByOriginal: [Int32]

  /// Builds the vocabulary from the training IDs (all IDs must be ≥ 0).
  ///
  /// - Complexity: O(n + k log k) for n IDs and k distinct IDs.
  public init(trainingIDs: [Int32], maximumSize: Int? = nil) {
    let largest = Int(trainingIDs.max() ?? 0)
    var frequency = [Int](repeating: 0, count: largest + 1)
    for id in trainingIDs { frequency[Int(id)] += 1 }
    var seen = (0...largest).filter { frequency[$0] > 0 }
    seen.sort { frequency[$0] != frequency[$1] ? frequency[$0] > frequency[$1] : $0 < $1 }
    let keep = maximumSize.map { max(0, min(seen.count, $0 - 1)) } ?? seen.count
    var table = [Int32](repeating: Int32(keep), count: largest + 1)
    var counts = [Int](repeating: 0, count: keep + 1)
    for (i, id) in seen.enumerated() {
      if i < keep {
        table[id] = Int32(i)
        counts[i] = frequency[id]
      } else {
        counts[keep] += frequency[id]
      }
    }
    originalIDs = seen.prefix(keep).map { Int32($0) } + [-1]
    self.counts = counts
    compactByOriginal = table
  }

  /// The compact ID of an original ID (`otherID` if rare or unseen).
  public func compactID(of original: Int32) -> Int32 {
    original >= 0 && Int(original) < compactByOriginal.count
      ? compactByOriginal[Int(original)] : otherID
  }

  /// The original ID of a compact ID, or nil for `otherID`.
  public func originalID(of compact: Int32) -> Int32? {
    let id = originalIDs[Int(compact)]
    return id >= 0 ? id : nil
  }

  /// Maps a sequence of original IDs.
  public func map(_ ids: [Int32]) -> [Int32] { ids.map { compactID(of: $0) } }
}
