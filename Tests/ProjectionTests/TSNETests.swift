import EmbeddingCore
import Testing

@testable import Projection

@Suite struct TSNETests {
  /// Fraction of each point's `k` nearest 2-D neighbours that share its label.
  func purity(_ y: Matrix, _ labels: [Int], k: Int) -> Double {
    let knn = NeighbourLists.exact(points: y, k: k)
    var same = 0
    for i in 0..<y.rows {
      same += knn.neighbours(of: i).filter { labels[$0.index] == labels[i] }.count
    }
    return Double(same) / Double(y.rows * k)
  }

  func quick(_ method: TSNE.Method, threads: Int = 2) -> TSNE.Configuration {
    var c = TSNE.Configuration()
    c.method = method
    c.perplexity = 8
    c.iterations = 300
    c.earlyExaggerationIterations = 100
    c.threads = threads
    return c
  }

  @Test(arguments: [TSNE.Method.exact, .barnesHut])
  func separatesClusters(method: TSNE.Method) throws {
    let (m, labels) = Fixture.blobs(clusters: 3, perCluster: 25, d: 10)
    let r = try TSNE.embed(m, configuration: quick(method))
    #expect(r.method == method)
    #expect(purity(r.coordinates, labels, k: 5) > 0.97)
    #expect(r.klDivergence > 0 && r.klDivergence < 2)
  }

  @Test func sameResultForAnyThreadCount() throws {
    let (m, _) = Fixture.blobs(clusters: 2, perCluster: 20, d: 6)
    let one = try TSNE.embed(m, configuration: quick(.barnesHut, threads: 1))
    let two = try TSNE.embed(m, configuration: quick(.barnesHut, threads: 2))
    #expect(one.coordinates.buffer.elementsEqual(two.coordinates.buffer))
  }

  @Test func barnesHutWithThetaZeroIsExact() throws {
    let (m, _) = Fixture.blobs(clusters: 2, perCluster: 15, d: 5)
    let knn = NeighbourLists.exact(points: m, k: 29)
    let p = Affinities(neighbours: knn, perplexity: 5, threads: 1)
    var rng = SeededGenerator(seed: 2)
    let y = (0..<60).map { _ in Double(rng.nextGaussian()) }
    var config = TSNE.Configuration()
    config.theta = 0
    let exact = TSNEOptimizer(p: p, y: y, n: 30, method: .exact, config: config)
    let bh = TSNEOptimizer(p: p, y: y, n: 30, method: .barnesHut, config: config)
    let a = SharedBuffer<Double>(count: 60, value: 0)
    let b = SharedBuffer<Double>(count: 60, value: 0)
    let za = exact.repulsiveForces(into: a)
    let zb = bh.repulsiveForces(into: b)
    // The Barnes-Hut pass sums in Float: equal to rounding.
    #expect(abs(za - zb) < 1e-5 * za)
    for i in 0..<60 { #expect(abs(a[i] - b[i]) < 1e-5 * max(1, abs(a[i]))) }
  }

  @Test func affinitiesAreSymmetricAndCalibrated() {
    let (m, _) = Fixture.blobs(clusters: 2, perCluster: 20, d: 4)
    let knn = NeighbourLists.exact(points: m, k: 15)
    // Each conditional distribution has the requested perplexity.
    var p = [Double](repeating: 0, count: 15)
    knn.distances.withUnsafeBufferPointer { d in
      Affinities.calibrate(d.baseAddress! + 15 * 3, k: 15, target: log(5.0), into: &p)
    }
    let entropy = -p.filter { $0 > 0 }.reduce(0) { $0 + $1 * log($1) }
    #expect(abs(exp(entropy) - 5) < 1e-3)
    let a = Affinities(neighbours: knn, perplexity: 5, threads: 2)
    var total = 0.0
    var entries: [Int: Float] = [:]
    for i in 0..<a.count {
      for e in a.rowStart[i]..<a.rowStart[i + 1] {
        total += Double(a.values[e])
        entries[i * 1000 + Int(a.columns[e])] = a.values[e]
      }
    }
    #expect(abs(total - 1) < 1e-5)
    for (key, v) in entries { #expect(entries[(key % 1000) * 1000 + key / 1000] == v) }
  }

  @Test func tooFewPointsForThePerplexityLowerItWithANote() throws {
    let (m, _) = Fixture.blobs(clusters: 2, perCluster: 5, d: 3)
    var c = quick(.auto)
    c.perplexity = 30
    let r = try TSNE.embed(m, configuration: c)
    #expect(r.perplexity == 3)
    #expect(r.notes.first?.contains("needs at least 91 points") == true)
  }

  @Test(arguments: [1e20, 9.2e18, 1e300])
  func hugePerplexityIsLoweredNotATrap(perplexity: Double) throws {
    // Found by `embed-bench fuzz --target cli`: the note's Int conversion trapped.
    let (m, _) = Fixture.blobs(clusters: 2, perCluster: 5, d: 3)
    var c = quick(.auto)
    c.perplexity = perplexity
    let r = try TSNE.embed(m, configuration: c)
    #expect(r.perplexity == 3)
    #expect(r.notes.first?.contains("points allow 3") == true)
  }

  @Test(arguments: [TSNE.Method.exact, .barnesHut])
  func identicalVectorsGiveFiniteMaps(method: TSNE.Method) throws {
    // Five copies of one vector among distinct ones, and a set that is all one vector.
    let (m, _) = Fixture.blobs(clusters: 2, perCluster: 10, d: 4)
    for r in 1..<5 { m.rowPointer(r).update(from: m.rowPointer(0), count: 4) }
    let same = Matrix(rows: 12, columns: 4, values: [Float](repeating: 0.5, count: 48))
    for input in [m, same] {
      let r = try TSNE.embed(input, configuration: quick(method))
      let finite = r.coordinates.buffer.allSatisfy { $0.isFinite }
      #expect(finite)
    }
  }

  @Test func badInputIsRejected() {
    #expect(throws: EmbeddingError.self) { try TSNE.embed(Matrix(rows: 1, columns: 4)) }
    let m = Fixture.random(rows: 12, columns: 3, seed: 4)
    m[4, 1] = .infinity
    do {
      _ = try TSNE.embed(m)
      Issue.record("infinity accepted")
    } catch {
      #expect("\(error)".contains("row 4"))
    }
    var exact = TSNE.Configuration()
    exact.method = .exact
    #expect(throws: EmbeddingError.self) {
      try TSNE.embed(Matrix(rows: 5001, columns: 2), configuration: exact)
    }
    var c = TSNE.Configuration()
    c.perplexity = 0
    #expect(throws: EmbeddingError.self) {
      try TSNE.embed(Fixture.random(rows: 12, columns: 3, seed: 4), configuration: c)
    }
  }

  @Test func projectorFallsBackToPCAForTinyInputs() throws {
    let three = try Projector(method: .tsne).project(Fixture.random(rows: 3, columns: 5, seed: 1))
    #expect(three.description.hasPrefix("PCA"))
    #expect(three.notes.count == 1)
    let one = try Projector(method: .tsne).project(Fixture.random(rows: 1, columns: 5, seed: 1))
    #expect(one.coordinates.rows == 1)
  }
}

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif
