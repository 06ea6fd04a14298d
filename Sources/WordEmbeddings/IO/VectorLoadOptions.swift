/// How a loader treats a file's size limit and its questionable content.
///
/// The defaults are strict: a NaN/Inf value or a word that is not UTF-8 is an error naming
/// the file and the line or byte offset. Duplicate words keep the first row (as gensim does,
/// which logs a warning), and `WordVectors.loadReport` says how many were dropped.
///
/// ```swift
/// var options = VectorLoadOptions()
/// options.limit = 100_000          // read only the first 100,000 words
/// options.invalidUTF8 = .replace   // decode bad bytes as U+FFFD instead of failing
/// let wv = try WordVectors.load(contentsOf: "GoogleNews.bin", options: options)
/// ```
public struct VectorLoadOptions: Sendable, Equatable {
  /// Read only the first `limit` words (nil: all).
  public var limit: Int?
  /// What to do with NaN or infinite values.
  public var nonFinite: NonFinitePolicy
  /// What to do with a word whose bytes are not valid UTF-8.
  public var invalidUTF8: InvalidUTF8Policy
  /// What to do when a word appears a second time.
  public var duplicates: DuplicatePolicy
  /// The vocabulary file of a `.npy` (or word-less safetensors) matrix; nil: the matrix
  /// path with extension `.vocab`.
  public var vocabularyPath: String?
  /// The tensor to read from a safetensors file; nil: `vectors`, or the only 2-D tensor.
  public var tensorName: String?

  /// What to do with NaN or infinite values.
  public enum NonFinitePolicy: String, Sendable, CaseIterable {
    /// Fail with the file, word and position.
    case reject
    /// Keep them (queries involving those rows give NaN scores).
    case allow
  }

  /// What to do with a word whose bytes are not valid UTF-8.
  public enum InvalidUTF8Policy: String, Sendable, CaseIterable {
    /// Fail with the file and position.
    case reject
    /// Replace each bad sequence with U+FFFD (gensim's `unicode_errors='replace'`).
    case replace
  }

  /// What to do when a word appears a second time.
  public enum DuplicatePolicy: String, Sendable, CaseIterable {
    /// Keep the first row, drop later ones (gensim's behaviour); counted in the load report.
    case keepFirst
    /// Fail with the file, word and position of the second occurrence.
    case reject
  }

  /// Strict defaults: all words, reject NaN/Inf and bad UTF-8, keep the first of duplicates.
  public init(
    limit: Int? = nil, nonFinite: NonFinitePolicy = .reject,
    invalidUTF8: InvalidUTF8Policy = .reject, duplicates: DuplicatePolicy = .keepFirst,
    vocabularyPath: String? = nil, tensorName: String? = nil
  ) {
    self.vocabularyPath = vocabularyPath
    self.tensorName = tensorName
    self.limit = limit
    self.nonFinite = nonFinite
    self.invalidUTF8 = invalidUTF8
    self.duplicates = duplicates
  }
}
