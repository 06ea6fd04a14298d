import EmbeddingCore
import Testing

@testable import Projection

@Suite struct NeighbourTests {
  @Test(arguments: [NeighbourLists.Metric.squaredEuclidean, .cosine])
  func blockedKernelMatchesBruteForce(metric: NeighbourLists.Metric) {
    // 70 rows (not a multiple of the 64-row block or the 4-row kernel), 13 columns (not a
    // multiple of 8).
    let m = Fixture.random(rows: 70, columns: 13, seed: 9)
    let knn = NeighbourLists.exact(points: m, k: 5, metric: metric, threads: 2)
    #expect(knn.k == 5 && knn.count == 70)
    func distance(_ a: Int, _ b: Int) -> Float {
      var dot: Float = 0
      var na: Float = 0
      var nb: Float = 0
      var sq: Float = 0
      for c in 0..<13 {
        dot += m[a, c] * m[b, c]
        na += m[a, c] * m[a, c]
        nb += m[b, c] * m[b, c]
        sq += (m[a, c] - m[b, c]) * (m[a, c] - m[b, c])
      }
      return metric == .cosine ? 1 - dot / (na * nb).squareRoot() : sq
    }
    for i in 0..<70 {
      let brute = (0..<70).filter { $0 != i }.sorted { distance(i, $0) < distance(i, $1) }
      let got = knn.neighbours(of: i)
      #expect(!got.contains { $0.index == i })
      for (rank, g) in got.enumerated() {
        #expect(abs(g.distance - distance(i, brute[rank])) < 1e-4)
      }
    }
  }

  @Test func kIsClampedToOtherRows() {
    let knn = NeighbourLists.exact(points: Fixture.random(rows: 3, columns: 4, seed: 1), k: 10)
    #expect(knn.k == 2)
  }
}
