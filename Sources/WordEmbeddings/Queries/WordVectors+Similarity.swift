import EmbeddingCore

extension WordVectors {
  /// Cosine similarity of two words (gensim `similarity`).
  ///
  /// ```swift
  /// try wv.similarity("woman", "man")   // 0.73
  /// ```
  /// - Throws: `EmbeddingError.outOfVocabulary` naming the unknown word.
  /// - Complexity: O(dimension).
  public func similarity(_ a: String, _ b: String) throws -> Float {
    let ra = try requireIndex(of: a)
    let rb = try requireIndex(of: b)
    return Self.cosine(matrix.row(ra), matrix.row(rb))
  }

  /// Cosine similarity of the means of two word sets (gensim `n_similarity`).
  ///
  /// ```swift
  /// try wv.similarity(between: ["sushi", "shop"], and: ["japanese", "restaurant"])
  /// ```
  /// - Throws: `.invalidArgument` if a set is empty, `.outOfVocabulary` for unknown words.
  /// - Complexity: O((|a| + |b|) × dimension).
  public func similarity(between a: [String], and b: [String]) throws -> Float {
    guard !a.isEmpty, !b.isEmpty else {
      throw EmbeddingError.invalidArgument("both word sets must be non-empty")
    }
    return Self.cosine(try rawMean(a), try rawMean(b))
  }

  /// The word that fits least with the others.
  ///
  /// The word that fits least with the others: the one least similar to the normalised
  /// mean of their unit vectors (gensim `doesnt_match`). Unknown words are ignored, as in
  /// gensim; it is an error if none is known.
  ///
  /// ```swift
  /// try wv.doesntMatch(["breakfast", "cereal", "dinner", "lunch"])   // "cereal"
  /// ```
  /// - Complexity: O(words × dimension).
  public func doesntMatch(_ words: [String]) throws -> String {
    let known = words.filter { contains($0) }
    guard !known.isEmpty else {
      throw EmbeddingError.invalidArgument(
        "none of the words is in the vocabulary: \(words.joined(separator: ", "))")
    }
    let norms = self.norms
    let units = known.map { QueryVector.unitRow(self, index(of: $0) ?? 0, norms: norms) }
    let mean = QueryVector.weightedMean(units.map { ($0, 1.0) }, dimension: dimension)
    let scored = zip(known, units).map { word, unit -> (Float, String) in
      var s: Float = 0
      for j in 0..<dimension { s += unit[j] * mean[j] }
      return (s, word)
    }
    // gensim sorts (similarity, word) descending and takes the last.
    return scored.min { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }?.1 ?? known[0]
  }

  /// Mean of raw vectors (float32 accumulation), for `n_similarity`.
  private func rawMean(_ words: [String]) throws -> [Float] {
    var mean = [Float](repeating: 0, count: dimension)
    for w in words {
      let p = matrix.rowPointer(try requireIndex(of: w))
      for j in 0..<dimension { mean[j] = Float(Double(mean[j]) + Double(p[j])) }
    }
    return mean.map { Float(Double($0) / Double(words.count)) }
  }

  /// Cosine of two vectors, each normalised first in double precision (gensim `unitvec`).
  static func cosine(_ a: [Float], _ b: [Float]) -> Float {
    let ua = QueryVector.unit(a)
    let ub = QueryVector.unit(b)
    var s: Float = 0
    for j in 0..<ua.count { s += ua[j] * ub[j] }
    return s
  }
}
