import EmbeddingCore
import Testing

@testable import Projection

@Suite struct UMAPTests {
  @Test func curveParametersMatchUmapLearn() {
    // umap-learn's find_ab_params(spread=1, min_dist=0.1) gives a ≈ 1.577, b ≈ 0.895.
    let (a, b) = CurveFit.ab(minDistance: 0.1, spread: 1)
    #expect(abs(a - 1.577) < 0.02)
    #expect(abs(b - 0.895) < 0.01)
  }

  @Test func separatesClustersDeterministically() throws {
    let (m, labels) = Fixture.blobs(clusters: 3, perCluster: 15, d: 8)
    var config = UMAP.Configuration()
    config.epochs = 120
    config.threads = 2
    let first = try UMAP.embed(m, configuration: config)
    let again = try UMAP.embed(m, configuration: config)
    #expect(first.coordinates.buffer.elementsEqual(again.coordinates.buffer))
    let knn = NeighbourLists.exact(points: first.coordinates, k: 5)
    var same = 0
    for i in 0..<m.rows {
      same += knn.neighbours(of: i).filter { labels[$0.index] == labels[i] }.count
    }
    #expect(Double(same) / Double(m.rows * 5) > 0.97)
  }

  @Test func fuzzyGraphIsSymmetricWithUnitNearestWeights() {
    let m = Fixture.random(rows: 30, columns: 5, seed: 3)
    let g = FuzzyGraph(neighbours: NeighbourLists.exact(points: m, k: 6), neighbourhoodSize: 7)
    var weight: [Int: Float] = [:]
    for e in g.weights.indices { weight[Int(g.heads[e]) * 100 + Int(g.tails[e])] = g.weights[e] }
    for (key, w) in weight {
      #expect(weight[(key % 100) * 100 + key / 100] == w)
      #expect(w > 0 && w <= 1)
    }
    // The nearest neighbour's directed weight is exp(0) = 1, so its union weight is 1.
    let knn = NeighbourLists.exact(points: m, k: 6)
    #expect(weight[0 * 100 + knn.neighbours(of: 0)[0].index] == 1)
  }

  @Test func badInputIsRejected() {
    #expect(throws: EmbeddingError.self) { try UMAP.embed(Matrix(rows: 2, columns: 3)) }
    var c = UMAP.Configuration()
    c.minDistance = 2
    #expect(throws: EmbeddingError.self) {
      try UMAP.embed(Fixture.random(rows: 10, columns: 3, seed: 1), configuration: c)
    }
  }
}
