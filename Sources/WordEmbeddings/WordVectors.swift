import EmbeddingCore
import Foundation

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
///
/// Vectors opened from the native format (`.ekv`) are memory-mapped: the vocabulary is read
/// from the file on demand, so `words` and `counts` are built (once) only when first asked.
public final class WordVectors: @unchecked Sendable {
  /// The vectors, `count` rows × `dimension` columns.
  public let matrix: Matrix
  let vocabulary: any VocabularyStore
  /// What the loader recovered from (duplicates dropped, bytes replaced); empty when built
  /// in memory or loaded from a clean file.
  public internal(set) var loadReport = LoadReport()
  // Built on first use: the unit-length rows that queries search, and materialised
  // word/count arrays for mapped vocabularies. Guarded by `lock`.
  private let lock = NSLock()
  private var cachedUnit: Matrix?
  private var cachedNorms: [Float]?
  private var cachedWords: [String]?
  private var cachedCounts: [Int]?
  private var cachedQuantized: QuantizedRows?

  /// Creates word vectors; duplicate words keep their first row for lookups.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `words.count != matrix.rows` or the counts
  ///   are not aligned with the words.
  /// - Complexity: O(count) to build the word index.
  public init(words: [String], matrix: Matrix, counts: [Int] = []) throws {
    guard words.count == matrix.rows else {
      throw EmbeddingError.invalidArgument(
        "\(words.count) words but the matrix has \(matrix.rows) rows")
    }
    guard counts.isEmpty || counts.count == words.count else {
      throw EmbeddingError.invalidArgument("\(counts.count) counts for \(words.count) words")
    }
    var index = [String: Int](minimumCapacity: words.count)
    for (i, w) in words.enumerated() where index[w] == nil { index[w] = i }
    self.matrix = matrix
    vocabulary = InMemoryVocabulary(words: words, counts: counts, index: index)
  }

  /// Creates word vectors from a vocabulary index the caller already built (loaders).
  init(words: [String], matrix: Matrix, counts: [Int], index: [String: Int]) {
    self.matrix = matrix
    vocabulary = InMemoryVocabulary(words: words, counts: counts, index: index)
  }

  /// Creates word vectors over any vocabulary store (the memory-mapped native format).
  init(matrix: Matrix, vocabulary: any VocabularyStore) {
    self.matrix = matrix
    self.vocabulary = vocabulary
  }

  /// The words, one per row of `matrix`.
  ///
  /// - Complexity: O(1) for in-memory vectors; O(count) once for memory-mapped ones.
  public var words: [String] {
    if let memory = vocabulary as? InMemoryVocabulary { return memory.words }
    lock.lock()
    defer { lock.unlock() }
    if let cachedWords { return cachedWords }
    let all = (0..<vocabulary.count).map { vocabulary.word(at: $0) }
    cachedWords = all
    return all
  }

  /// Optional corpus counts, aligned with `words` (empty if unknown).
  public var counts: [Int] {
    if let memory = vocabulary as? InMemoryVocabulary { return memory.counts }
    lock.lock()
    defer { lock.unlock() }
    if let cachedCounts { return cachedCounts }
    let all = vocabulary.hasCounts ? (0..<vocabulary.count).map { vocabulary.count(at: $0) } : []
    cachedCounts = all
    return all
  }

  /// Number of words.
  public var count: Int { matrix.rows }
  /// Vector dimension.
  public var dimension: Int { matrix.columns }

  /// The word of row `row`.
  ///
  /// - Complexity: O(1).
  public func word(at row: Int) -> String { vocabulary.word(at: row) }

  /// The row of `word`, or nil if it is not in the vocabulary.
  ///
  /// - Complexity: O(1) on average.
  public func index(of word: String) -> Int? { vocabulary.index(of: word) }

  /// Whether `word` is in the vocabulary.
  public func contains(_ word: String) -> Bool { vocabulary.index(of: word) != nil }

  /// A copy of `word`'s vector.
  ///
  /// - Throws: `EmbeddingError.outOfVocabulary` naming the word (and near spellings).
  public func vector(for word: String) throws -> [Float] {
    try matrix.row(requireIndex(of: word))
  }

  /// The row of `word`, or an out-of-vocabulary error naming it with near spellings.
  ///
  /// - Complexity: O(1) when present; O(count) to suggest spellings when absent.
  public func requireIndex(of word: String) throws -> Int {
    if let i = vocabulary.index(of: word) { return i }
    throw EmbeddingError.outOfVocabulary(
      word: word, suggestions: SpellingSuggestions.near(word, in: self))
  }

  /// The length of every row.
  ///
  /// The Euclidean length of every row (summed in double precision), computed once in
  /// parallel and kept. Similarity scores are `dot(row, unitQuery) / norm`, as in gensim.
  ///
  /// - Complexity: O(count × dimension) the first time, O(1) after.
  public var norms: [Float] {
    lock.lock()
    defer { lock.unlock() }
    if let cachedNorms { return cachedNorms }
    let rows = matrix.rows
    let columns = matrix.columns
    let source = matrix
    let result = [Float](unsafeUninitializedCapacity: rows) { buffer, initialized in
      let out = UnsafeSendable(buffer.baseAddress)
      parallelChunks(rows, pieces: min(rows / 1024, Parallelism.defaultThreads * 4)) { _, range in
        for r in range {
          out.value?[r] = RowNorm.of(source.rowPointer(r), columns)
        }
      }
      initialized = rows
    }
    cachedNorms = result
    return result
  }

  /// The rows scaled to unit length (zero rows stay zero), computed once in parallel and
  /// kept, as gensim's `get_normed_vectors`: for callers that want unit rows (projection,
  /// export). Similarity queries do not use it: they score `dot(row, unitQuery) / norms[row]`
  /// on the original rows, which needs no second copy of the matrix.
  ///
  /// - Complexity: O(count × dimension) the first time, O(1) after.
  public var unitVectors: Matrix {
    lock.lock()
    defer { lock.unlock() }
    if let cachedUnit { return cachedUnit }
    let unit = matrix.copy()
    let rows = unit.rows
    let columns = unit.columns
    parallelChunks(rows, pieces: min(rows / 1024, Parallelism.defaultThreads * 4)) { _, range in
      for r in range {
        VectorKernels.normalize(unit.rowPointer(r), columns)
      }
    }
    cachedUnit = unit
    return unit
  }

  /// Whether the Int16 copy of the rows has been built already.
  var hasQuantizedRows: Bool {
    lock.lock()
    defer { lock.unlock() }
    return cachedQuantized != nil
  }

  /// The Int16 copy of the unit rows that batched searches screen with (`QuantizedRows`),
  /// built once in parallel on the first large batch and kept (2 bytes per value).
  ///
  /// - Complexity: O(count × dimension) the first time, O(1) after.
  var quantizedRows: QuantizedRows {
    lock.lock()
    defer { lock.unlock() }
    if let cachedQuantized { return cachedQuantized }
    let quantized = QuantizedRows(matrix)
    cachedQuantized = quantized
    return quantized
  }
}
