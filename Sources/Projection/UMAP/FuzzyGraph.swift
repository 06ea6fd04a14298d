import Foundation

/// UMAP's fuzzy neighbour graph as an edge list (each undirected edge in both directions).
///
/// Per point i: ρ_i = distance to its nearest neighbour, σ_i found by bisection so that
/// Σ_j exp(−(d_ij − ρ_i)/σ_i) = log₂ of the neighbourhood size (the point itself included, as
/// umap-learn counts it). Directed weights w_ij = exp(−(d_ij − ρ_i)/σ_i) are
/// joined by fuzzy union: w = w_ij + w_ji − w_ij·w_ji.
struct FuzzyGraph {
  var heads: [Int32] = []
  var tails: [Int32] = []
  var weights: [Float] = []

  /// Builds the graph from squared-Euclidean neighbour lists (distances are square-rooted).
  ///
  /// - Complexity: O(n · k · 64) for the bandwidths + O(n · k) for the union.
  init(neighbours knn: NeighbourLists, neighbourhoodSize: Int) {
    let n = knn.count
    let k = knn.k
    let target = log2(Double(neighbourhoodSize))
    var directed = [Int: Float](minimumCapacity: n * k)
    for i in 0..<n {
      let d = (0..<k).map { Double(knn.distances[i * k + $0]).squareRoot() }
      let rho = d.first { $0 > 0 } ?? 0
      var lo = 0.0
      var hi = Double.infinity
      var sigma = 1.0
      for _ in 0..<64 {
        var sum = 0.0
        for dj in d { sum += exp(-max(0, dj - rho) / sigma) }
        if abs(sum - target) < 1e-5 { break }
        if sum > target {
          hi = sigma
          sigma = (lo + hi) / 2
        } else {
          lo = sigma
          sigma = hi.isInfinite ? sigma * 2 : (lo + hi) / 2
        }
      }
      // As umap-learn: σ is at least 1e-3 of the mean neighbour distance.
      let mean = d.reduce(0, +) / Double(max(k, 1))
      sigma = max(sigma, 1e-3 * mean, 1e-12)
      for (e, dj) in d.enumerated() {
        let j = Int(knn.indices[i * k + e])
        directed[i * n + j] = Float(exp(-max(0, dj - rho) / sigma))
      }
    }
    for key in directed.keys.sorted() {
      let i = key / n
      let j = key % n
      let wij = directed[key] ?? 0
      let wji = directed[j * n + i] ?? 0
      if wji > 0 && j < i { continue }  // the pair is emitted once, from its lower index
      let w = wij + wji - wij * wji
      if w > 0 {  // both directions, as umap-learn's symmetric graph
        heads += [Int32(i), Int32(j)]
        tails += [Int32(j), Int32(i)]
        weights += [w, w]
      }
    }
  }
}
