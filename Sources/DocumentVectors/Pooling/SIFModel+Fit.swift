import EmbeddingCore
import Foundation
import WordEmbeddings

extension SIFModel {
  /// Fits SIF on `corpora` (plain, .gz or .xz text, one sentence or document per line).
  ///
  /// Two streaming passes: the first counts every word (p(w) = count / all words, unknown words
  /// included in the total); the second pools the first `maxLines` non-empty lines with those
  /// weights and finds their first singular vector by power iteration.
  ///
  /// - Parameters:
  ///   - a: the smoothing constant (default 1e-3).
  ///   - normalization: how words are cut, as the vectors were trained (default `.none`).
  ///   - maxLines: lines used for the component (default 100,000; 0 = remove no component).
  ///   - vectorsPath: recorded in the model as a hint of which vectors to load.
  /// - Throws: `EmbeddingError.invalidArgument` for a bad `a`, no corpus, or a corpus with no
  ///   word the vectors know; `.io` if a file cannot be read.
  /// - Complexity: O(corpus words + maxLines × words × dimension + iterations × maxLines ×
  ///   dimension); memory O(V + maxLines × dimension).
  public static func fit(
    vectors: WordVectors, corpora: [String], a: Double = 1e-3,
    normalization: WordSplitter.Normalization = .none, maxLines: Int = 100_000,
    vectorsPath: String = "", seed: UInt64 = 1
  ) throws -> SIFModel {
    guard a > 0 && a.isFinite else {
      throw EmbeddingError.invalidArgument("SIF a must be > 0 (got \(a)); 1e-3 is usual")
    }
    guard !corpora.isEmpty else { throw EmbeddingError.invalidArgument("no corpus file given") }
    guard maxLines >= 0 else { throw EmbeddingError.invalidArgument("maxLines must be >= 0") }
    let splitter = WordSplitter(normalization)
    // Pass 1: word frequencies.
    var counts = [Int](repeating: 0, count: vectors.count)
    var total = 0
    var knownTotal = 0
    for path in corpora {
      let lines = try LineReader(path: path)
      while let line = try lines.next() {
        line.bytes.withUnsafeBytes { bytes in
          splitter.forEachWord(in: bytes) { word, _ in
            total += 1
            if let row = vectors.index(of: word) {
              counts[row] += 1
              knownTotal += 1
            }
          }
        }
      }
    }
    guard knownTotal > 0 else {
      throw EmbeddingError.invalidArgument(
        "the corpus has \(total) words and none is in the word vectors; check the corpus and "
          + "the word normalisation (--normalize none|lowercase|text8)")
    }
    let weights = counts.map { weight(a: a, frequency: Double($0) / Double(total)) }
    // Pass 2: weighted-mean vectors of the first lines, then their first singular vector.
    let d = vectors.dimension
    var rows: [Float] = []
    var used = 0
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: d)
    defer { scratch.deallocate() }
    try weights.withUnsafeBufferPointer { w in
      outer: for path in corpora where used < maxLines {
        let lines = try LineReader(path: path)
        while let line = try lines.next() {
          if used >= maxLines { break outer }
          let n = line.bytes.withUnsafeBytes { bytes in
            WordPooling.pool(
              bytes, vectors: vectors, splitter: splitter, weights: w.baseAddress, into: scratch)
          }
          if n == 0 { continue }
          rows.append(contentsOf: UnsafeBufferPointer(start: scratch, count: d))
          used += 1
        }
      }
    }
    var component = [Float](repeating: 0, count: d)
    if used >= 1 {
      component = firstSingularVector(Matrix(rows: used, columns: d, values: rows), seed: seed)
    }
    return SIFModel(
      a: a, normalization: normalization, weights: weights, component: component,
      vectorsFingerprint: matrixFingerprint(vectors.matrix), vectorsPath: vectorsPath,
      corpusWords: total, componentLines: used)
  }

  /// The unit vector v maximising |X v| (the first right singular vector of X, uncentred), by
  /// power iteration on XᵀX until v changes by less than 1e-6 (at most 500 steps).
  /// Shapes: x [n × d], result [d].
  static func firstSingularVector(_ x: Matrix, seed: UInt64) -> [Float] {
    let n = x.rows
    let d = x.columns
    var rng = SeededGenerator(seed: seed)
    var v = (0..<d).map { _ in rng.nextGaussian() }
    var next = [Float](repeating: 0, count: d)
    _ = v.withUnsafeMutableBufferPointer { VectorKernels.normalize($0.baseAddress!, d) }
    for _ in 0..<500 {
      v.withUnsafeMutableBufferPointer { vp in
        next.withUnsafeMutableBufferPointer { np in
          np.update(repeating: 0)
          for r in 0..<n {
            let row = x.rowPointer(r)
            VectorKernels.axpy(VectorKernels.dot(row, vp.baseAddress!, d), row, np.baseAddress!, d)
          }
          VectorKernels.normalize(np.baseAddress!, d)
        }
      }
      var change: Float = 0
      for c in 0..<d { change = max(change, abs(next[c] - v[c])) }
      swap(&v, &next)
      if change < 1e-6 { break }
    }
    // A fixed sign (largest coordinate positive) so the saved model does not depend on the start.
    if let m = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[m] < 0 {
      for c in 0..<d { v[c] = -v[c] }
    }
    return v
  }
}
