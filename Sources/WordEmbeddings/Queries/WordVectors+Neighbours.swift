import EmbeddingCore
import Foundation

extension WordVectors {
  /// The `topN` words most similar to `word` (cosine), excluding `word` itself.
  ///
  /// ```swift
  /// try wv.mostSimilar(to: "france", topN: 5)   // [spain 0.68, belgium 0.66, …]
  /// ```
  /// - Parameter restrictTo: search only the first N rows (the most frequent words).
  /// - Throws: `EmbeddingError.outOfVocabulary` naming the word and near spellings.
  /// - Complexity: O(count × dimension), blocked SIMD over all cores.
  public func mostSimilar(to word: String, topN: Int = 10, restrictTo: Int? = nil) throws
    -> [Neighbour]
  {
    try mostSimilar(positive: [word], negative: [], topN: topN, restrictTo: restrictTo)
  }

  /// Analogy and multi-word search by 3CosAdd, exactly as gensim's `most_similar`: the unit
  /// vectors of `positive` (weight +1) and `negative` (weight −1) are averaged, the mean is
  /// normalised, and rows are ranked by cosine with it; input words are not returned.
  ///
  /// ```swift
  /// try wv.mostSimilar(positive: ["king", "woman"], negative: ["man"], topN: 1)  // queen
  /// ```
  /// - Throws: `EmbeddingError.outOfVocabulary` for an unknown word, `.invalidArgument` if
  ///   there are no words.
  /// - Complexity: O(count × dimension).
  public func mostSimilar(
    positive: [String], negative: [String] = [], topN: Int = 10, restrictTo: Int? = nil
  ) throws -> [Neighbour] {
    try mostSimilar(
      weighted: positive.map { ($0, 1.0) } + negative.map { ($0, -1.0) }, topN: topN,
      restrictTo: restrictTo)
  }

  /// 3CosAdd with explicit weights (gensim's `(word, weight)` tuples).
  public func mostSimilar(
    weighted words: [(word: String, weight: Double)], topN: Int = 10, restrictTo: Int? = nil
  ) throws -> [Neighbour] {
    guard !words.isEmpty else {
      throw EmbeddingError.invalidArgument("cannot search without positive or negative words")
    }
    let rows = try words.map { try requireIndex(of: $0.word) }
    let query = meanQuery(rows: rows, weights: words.map(\.weight))
    return search(query, topN: topN, restrictTo: restrictTo, excluding: rows)
  }

  /// The `topN` rows most similar to a vector (which need not be unit length).
  ///
  /// - Parameter excluding: rows never returned (e.g. the words the vector came from).
  /// - Complexity: O(count × dimension).
  public func mostSimilar(
    toVector vector: [Float], topN: Int = 10, restrictTo: Int? = nil, excluding: [Int] = []
  ) throws -> [Neighbour] {
    guard vector.count == dimension else {
      throw EmbeddingError.invalidArgument(
        "the vector has \(vector.count) values; these word vectors have \(dimension)")
    }
    return search(
      QueryVector.unit(vector), topN: topN, restrictTo: restrictTo, excluding: excluding)
  }

  /// Answers many neighbour searches at once.
  ///
  /// Many neighbour searches at once: one blocked pass over the matrix for all of them, on
  /// all cores. Each query is a word list as in `mostSimilar(positive:negative:)`.
  ///
  /// ```swift
  /// let answers = try wv.mostSimilar(batch: words.map { ([$0], []) }, topN: 10)
  /// ```
  /// - Complexity: O(queries × count × dimension) arithmetic; memory O(queries × topN).
  public func mostSimilar(
    batch: [(positive: [String], negative: [String])], topN: Int = 10, restrictTo: Int? = nil
  ) throws -> [[Neighbour]] {
    var queries: [[Float]] = []
    var excluded: [[Int]] = []
    for (positive, negative) in batch {
      guard !(positive.isEmpty && negative.isEmpty) else {
        throw EmbeddingError.invalidArgument("a query without positive or negative words")
      }
      let rows = try (positive + negative).map { try requireIndex(of: $0) }
      let weights = positive.map { _ in 1.0 } + negative.map { _ in -1.0 }
      queries.append(meanQuery(rows: rows, weights: weights))
      excluded.append(rows)
    }
    return searchBatch(queries, topN: topN, restrictTo: restrictTo, excluding: excluded)
  }

  /// Batched search over raw vectors (normalised here); `excluding[i]` rows are skipped for
  /// query i.
  ///
  /// - Complexity: O(queries × count × dimension).
  public func mostSimilar(
    toVectors vectors: Matrix, topN: Int = 10, restrictTo: Int? = nil, excluding: [[Int]] = []
  ) throws -> [[Neighbour]] {
    guard vectors.columns == dimension else {
      throw EmbeddingError.invalidArgument(
        "query vectors have \(vectors.columns) values; these word vectors have \(dimension)")
    }
    let queries = (0..<vectors.rows).map { QueryVector.unit(vectors.row($0)) }
    return searchBatch(queries, topN: topN, restrictTo: restrictTo, excluding: excluding)
  }

  /// Analogy by 3CosMul (Levy & Goldberg), as gensim's `most_similar_cosmul`: each cosine is
  /// shifted to [0, 1]; score = Π pos / (Π neg + 1e-6).
  ///
  /// ```swift
  /// try wv.mostSimilarCosMul(positive: ["king", "woman"], negative: ["man"])
  /// ```
  /// - Complexity: O(count × dimension × words).
  public func mostSimilarCosMul(
    positive: [String], negative: [String] = [], topN: Int = 10, restrictTo: Int? = nil
  ) throws -> [Neighbour] {
    guard !positive.isEmpty else {
      throw EmbeddingError.invalidArgument("3CosMul needs at least one positive word")
    }
    let norms = self.norms
    let positiveRows = try positive.map { try requireIndex(of: $0) }
    let negativeRows = try negative.map { try requireIndex(of: $0) }
    let n = min(count, max(0, restrictTo ?? count))
    let topN = min(max(0, topN), count)
    let termRows = positiveRows + negativeRows
    let terms = termRows.map { QueryVector.unitRow(self, $0, norms: norms) }
    // Cosine of every row with every term, as a (terms × n) table.
    var cosines = [[Float]](repeating: [], count: terms.count)
    let d = dimension
    let table = CosineTable(count: terms.count)
    parallelFor(terms.count) { t in
      var column = [Float](repeating: 0, count: n)
      terms[t].withUnsafeBufferPointer { q in
        for r in 0..<n {
          guard let base = q.baseAddress else { return }
          column[r] = VectorKernels.dot(matrix.rowPointer(r), base, d) / norms[r]
        }
      }
      table.set(t, column)
    }
    for t in 0..<terms.count { cosines[t] = table.get(t) }
    let excluded = Set(termRows)
    var heap = TopK(capacity: topN + excluded.count)
    for r in 0..<n {
      var numerator: Float = 1
      for t in 0..<positiveRows.count { numerator *= (1 + cosines[t][r]) / 2 }
      var denominator: Float = 1
      for t in positiveRows.count..<terms.count { denominator *= (1 + cosines[t][r]) / 2 }
      heap.offer(numerator / (denominator + 0.000001), Int32(r))
    }
    return Array(
      heap.sorted().filter { !excluded.contains($0.row) }.prefix(topN).map {
        Neighbour(word: word(at: $0.row), row: $0.row, similarity: $0.score)
      })
  }

  // MARK: - Internals

  /// gensim's 3CosAdd query: mean of unit vectors with weights, normalised.
  func meanQuery(rows: [Int], weights: [Double]) -> [Float] {
    let norms = self.norms
    let terms = zip(rows, weights).map { (QueryVector.unitRow(self, $0.0, norms: norms), $0.1) }
    return QueryVector.weightedMean(
      terms.map { (vector: $0.0, weight: $0.1) }, dimension: dimension)
  }

  /// One query; `excluding` rows are dropped after taking topN + excluding.count (gensim).
  func search(_ query: [Float], topN: Int, restrictTo: Int?, excluding: [Int]) -> [Neighbour] {
    searchBatch([query], topN: topN, restrictTo: restrictTo, excluding: [excluding])[0]
  }

  /// The blocked kernel over unit query vectors: the exact two-stage search (Int16 screen,
  /// float rescoring; `TwoStageSearch`) for large batches, the float kernel otherwise. Both
  /// give identical answers; `strategy` forces one (tests compare them).
  func searchBatch(
    _ queries: [[Float]], topN: Int, restrictTo: Int?, excluding: [[Int]],
    strategy: SearchStrategy = .automatic
  ) -> [[Neighbour]] {
    let topN = min(max(0, topN), count)
    guard !queries.isEmpty else { return [] }
    let maxExcluded = excluding.map(\.count).max() ?? 0
    let q = Matrix(rows: queries.count, columns: dimension, values: queries.flatMap { $0 })
    let rowLimit = min(count, max(0, restrictTo ?? count))
    let k = max(0, topN) + maxExcluded
    let twoStage =
      strategy == .twoStage
      || (strategy == .automatic
        && TwoStageSearch.isWorthwhile(queries: queries.count, rows: rowLimit, k: k)
        && (hasQuantizedRows
          || QuantizedRows.byteCount(rows: count, dimension: dimension)
            <= TwoStageSearch.maximumCopyBytes))
    let heaps =
      (twoStage
        ? TwoStageSearch.topK(
          rows: matrix, quantized: quantizedRows, norms: norms, rowLimit: rowLimit, queries: q,
          k: k) : nil)
      ?? SimilarityKernel.topK(rows: matrix, norms: norms, rowLimit: rowLimit, queries: q, k: k)
    return heaps.enumerated().map { i, heap in
      let skip = i < excluding.count ? Set(excluding[i]) : []
      // gensim keeps topN + len(inputs) before filtering the inputs out.
      let kept = heap.sorted().prefix(max(0, topN) + (i < excluding.count ? excluding[i].count : 0))
      return Array(
        kept.filter { !skip.contains($0.row) }.prefix(topN).map {
          Neighbour(word: word(at: $0.row), row: $0.row, similarity: $0.score)
        })
    }
  }
}

/// Which kernel `searchBatch` runs.
enum SearchStrategy {
  /// Two-stage for batches where it pays (`TwoStageSearch.isWorthwhile`), float otherwise.
  case automatic
  /// The float kernel only.
  case floatOnly
  /// The two-stage search whenever the queries can be bounded.
  case twoStage
}

/// One cosine column per term, written by parallel workers into their own slots.
private final class CosineTable: @unchecked Sendable {
  private var columns: [[Float]]
  private let lock = NSLock()
  init(count: Int) { columns = Array(repeating: [], count: count) }
  func set(_ i: Int, _ column: [Float]) {
    lock.lock()
    columns[i] = column
    lock.unlock()
  }
  func get(_ i: Int) -> [Float] {
    lock.lock()
    defer { lock.unlock() }
    return columns[i]
  }
}
