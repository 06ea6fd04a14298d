import EmbeddingCore

/// Query vectors built the way gensim builds them, so answers match it to the last bit
/// that matters: unit-normalised inputs, a weighted mean, then the mean normalised.
enum QueryVector {
  /// Row `row` divided by its norm, in float32 (gensim `get_vector(key, norm=True)`).
  static func unitRow(_ vectors: WordVectors, _ row: Int, norms: [Float]) -> [Float] {
    let p = vectors.matrix.rowPointer(row)
    let norm = norms[row]
    return (0..<vectors.dimension).map { p[$0] / norm }
  }

  /// gensim's `get_mean_vector(keys, weights, pre_normalize, post_normalize=True)`: each
  /// term `weight × vector` is added to a float32 mean (in double, then rounded, as numpy
  /// does for a float64 weight), the mean is divided by Σ|weight| and normalised in double,
  /// and the result is rounded to float32.
  static func weightedMean(_ terms: [(vector: [Float], weight: Double)], dimension: Int) -> [Float]
  {
    var mean = [Float](repeating: 0, count: dimension)
    var total = 0.0
    for (vector, weight) in terms {
      for j in 0..<dimension { mean[j] = Float(Double(mean[j]) + weight * Double(vector[j])) }
      total += abs(weight)
    }
    var scaled = mean.map { total > 0 ? Double($0) / total : Double($0) }
    var length = 0.0
    for v in scaled { length += v * v }
    length = length.squareRoot()
    if length > 0 { scaled = scaled.map { $0 / length } }
    return scaled.map { Float($0) }
  }

  /// A plain unit vector of `vector` (double-precision length), for user-supplied vectors.
  static func unit(_ vector: [Float]) -> [Float] {
    var length = 0.0
    for v in vector { length += Double(v) * Double(v) }
    length = length.squareRoot()
    return length > 0 ? vector.map { Float(Double($0) / length) } : vector
  }
}
