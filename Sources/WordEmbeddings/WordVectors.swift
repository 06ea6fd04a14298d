import EmbeddingCore

/// A query-only set of word vectors: a vocabulary (word ⇄ row) and a `Matrix` of rows.
///
/// This is the result type of training (Word2Vec, the next-token model) and of loading a
/// pretrained file; everything downstream (queries, evaluation, plots) reads it.
/// Words are ordered as in their source, conventionally by descending frequency.
///
/// ```swift
/// let wv = try WordVectors(words: ["king", "queen"], matrix: Matrix(rows: 2, columns: 50))
/// wv.index(of: "queen")   // 1
/// wv.vector(for: "king")  // [Float] of length 50
/// ```
public final class WordVectors: @unchecked Sendable {
  /// The words, one per row of `matrix`.
  public let words: [String]
  /// The vectors, `words.count` rows × `dimension` columns.
  public let matrix: Matrix
  /// Optional corpus counts, aligned with `words` (empty if unknown).
  public let counts: [Int]
  let indexByWord: [String: Int]
  /// What the loader recovered from (duplicates dropped, bytes replaced); empty when built
  /// in memory or loaded from a clean file.
  public internal(set) var loadReport = LoadReport()

  /// Creates word vectors. Duplicate words keep their first row for lookups.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `words.count != matrix.rows` or the counts
  ///   are not aligned with the words.
  public init(words: [String], matrix: Matrix, counts: [Int] = []) throws {
    guard words.count == matrix.rows else {
      throw EmbeddingError.invalidArgument(
        "\(words.count) words but the matrix has \(matrix.rows) rows")
    }
    guard counts.isEmpty || counts.count == words.count else {
      throw EmbeddingError.invalidArgument("\(counts.count) counts for \(words.count) words")
    }
    self.words = words
    self.matrix = matrix
    self.counts = counts
    var index = [String: Int](minimumCapacity: words.count)
    for (i, w) in words.enumerated() where index[w] == nil { index[w] = i }
    indexByWord = index
  }

  /// Creates word vectors from a vocabulary index the caller already built (loaders).
  init(words: [String], matrix: Matrix, counts: [Int], index: [String: Int]) {
    self.words = words
    self.matrix = matrix
    self.counts = counts
    indexByWord = index
  }

  /// Number of words.
  public var count: Int { words.count }
  /// Vector dimension.
  public var dimension: Int { matrix.columns }

  /// The row of `word`, or nil if it is not in the vocabulary.
  ///
  /// - Complexity: O(1) on average.
  public func index(of word: String) -> Int? { indexByWord[word] }

  /// Whether `word` is in the vocabulary.
  public func contains(_ word: String) -> Bool { indexByWord[word] != nil }

  /// A copy of `word`'s vector.
  ///
  /// - Throws: `EmbeddingError.outOfVocabulary` naming the word.
  public func vector(for word: String) throws -> [Float] {
    guard let i = indexByWord[word] else {
      throw EmbeddingError.outOfVocabulary(word: word, suggestions: [])
    }
    return matrix.row(i)
  }
}
