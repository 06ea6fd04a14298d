import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Retrieval

@Suite struct HNSWTests {
  /// Clustered unit vectors (random vectors make HNSW recall meaningless).
  static func clustered(rows: Int, dimension: Int, clusters: Int, seed: UInt64) -> Matrix {
    var rng = SeededGenerator(seed: seed)
    let centres = (0..<clusters).map { _ in
      (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) }
    }
    let m = Matrix(rows: rows, columns: dimension)
    for r in 0..<rows {
      let c = centres[Int.random(in: 0..<clusters, using: &rng)]
      let p = m.rowPointer(r)
      for j in 0..<dimension { p[j] = c[j] + Float.random(in: -0.35...0.35, using: &rng) }
      _ = VectorKernels.normalize(p, dimension)
    }
    return m
  }

  static func exactTop(_ x: Matrix, _ q: UnsafePointer<Float>, k: Int) -> [Int32] {
    let s = (0..<x.rows).map { VectorKernels.dot(q, x.rowPointer($0), x.columns) }
    return Array((0..<Int32(x.rows)).sorted { s[Int($0)] > s[Int($1)] }.prefix(k))
  }

  @Test func recallAgainstExactAndSerializationRoundTrip() throws {
    let x = Self.clustered(rows: 1500, dimension: 24, clusters: 30, seed: 7)
    let q = Self.clustered(rows: 100, dimension: 24, clusters: 30, seed: 8)
    let graph = HNSWGraph(vectors: x, m: 12, efConstruction: 80)
    graph.build()
    #expect(graph.count == 1500)
    var hits = 0
    var lowHits = 0
    for i in 0..<q.rows {
      let want = Set(Self.exactTop(x, q.rowPointer(i), k: 10))
      hits += graph.search(q.rowPointer(i), k: 10, ef: 100).filter { want.contains($0.node) }.count
      lowHits +=
        graph.search(q.rowPointer(i), k: 10, ef: 10).filter { want.contains($0.node) }.count
    }
    let recall = Double(hits) / 1000
    #expect(recall >= 0.97, "recall@10 at ef 100: \(recall)")
    #expect(hits >= lowHits)

    let restored = try #require(HNSWGraph.deserialize(graph.serialized(), vectors: x))
    for i in 0..<10 {
      let a = graph.search(q.rowPointer(i), k: 10, ef: 50).map(\.node)
      let b = restored.search(q.rowPointer(i), k: 10, ef: 50).map(\.node)
      #expect(a == b)
    }
    // Bytes for other vectors, or damaged bytes, are refused.
    #expect(HNSWGraph.deserialize(graph.serialized(), vectors: q) == nil)
    #expect(HNSWGraph.deserialize(Data(graph.serialized().prefix(100)), vectors: x) == nil)
  }

  @Test func halfPrecisionWalkKeepsRecallAndReturnsExactScores() {
    let x = Self.clustered(rows: 1500, dimension: 24, clusters: 30, seed: 7)
    let q = Self.clustered(rows: 60, dimension: 24, clusters: 30, seed: 8)
    let graph = HNSWGraph(vectors: x, m: 12, efConstruction: 80)
    graph.build()
    let searcher = graph.makeSearcher()
    var plain = 0
    for i in 0..<q.rows {
      let want = Set(Self.exactTop(x, q.rowPointer(i), k: 10))
      plain +=
        searcher.search(graph, q.rowPointer(i), k: 10, ef: 100).filter {
          want.contains($0.node)
        }.count
    }
    #expect(graph.halfBytes == 0)
    graph.addHalfPrecisionCopy()
    #expect(graph.halfBytes == 1500 * 24 * 2)
    var halfHits = 0
    for i in 0..<q.rows {
      let want = Set(Self.exactTop(x, q.rowPointer(i), k: 10))
      let found = searcher.search(graph, q.rowPointer(i), k: 10, ef: 100)
      #expect(found.count == 10)
      halfHits += found.filter { want.contains($0.node) }.count
      for f in found {
        #expect(f.score == VectorKernels.dot(q.rowPointer(i), x.rowPointer(Int(f.node)), 24))
      }
      #expect(zip(found, found.dropFirst()).allSatisfy { $0.score >= $1.score })
    }
    #expect(Double(halfHits) / 600 >= 0.95, "recall@10 of the float16 walk: \(halfHits) of 600")
    #expect(halfHits >= plain - 12, "float16 \(halfHits) vs float32 \(plain) hits")
    // The float32 walk is still available on the same graph.
    let again = searcher.search(graph, q.rowPointer(0), k: 10, ef: 80, halfPrecision: false)
    #expect(again.count == 10)
  }

  @Test func parallelBuildKeepsRecallAndValidLinks() throws {
    let x = Self.clustered(rows: 3000, dimension: 24, clusters: 30, seed: 21)
    let q = Self.clustered(rows: 100, dimension: 24, clusters: 30, seed: 22)
    let graph = HNSWGraph(vectors: x, m: 12, efConstruction: 80)
    graph.build(threads: 2)
    #expect(graph.count == 3000)
    var hits = 0
    for i in 0..<q.rows {
      let want = Set(Self.exactTop(x, q.rowPointer(i), k: 10))
      hits += graph.search(q.rowPointer(i), k: 10, ef: 100).filter { want.contains($0.node) }.count
    }
    #expect(Double(hits) / 1000 >= 0.95, "recall@10 at ef 100 after a 2-thread build: \(hits)")
    for node in 0..<Int32(3000) {
      for layer in 0...Int(graph.levels[Int(node)]) {
        let list = graph.neighbours(node, layer: layer)
        #expect(!list.contains(node) && Set(list).count == list.count)
        #expect(list.allSatisfy { $0 >= 0 && $0 < 3000 && Int(graph.levels[Int($0)]) >= layer })
        #expect(layer > 0 || !list.isEmpty)
      }
    }
    let restored = try #require(HNSWGraph.deserialize(graph.serialized(), vectors: x))
    #expect(
      restored.search(q.rowPointer(0), k: 10, ef: 50).map(\.node)
        == graph.search(q.rowPointer(0), k: 10, ef: 50).map(\.node))
  }

  @Test func oneThreadBuildIsReproducible() {
    let x = Self.clustered(rows: 800, dimension: 16, clusters: 20, seed: 23)
    let a = HNSWGraph(vectors: x, m: 8, efConstruction: 40)
    a.build()
    let b = HNSWGraph(vectors: x, m: 8, efConstruction: 40)
    b.build(threads: 1)
    #expect(a.serialized() == b.serialized())
  }

  @Test func halfConversionMatchesFloat16() {
    let values: [Float] = [0, -0, 1, -1.5, 65504, 1e-8, 3.14159, -2.71828, 0.1, 7, 8, 9, 1e5]
    var out = [UInt16](repeating: 0, count: values.count)
    DistanceKernels.toHalf(values, into: &out, values.count)
    #expect(out == values.map { Float16($0).bitPattern })
  }

  @Test func indexUsesTheGraphUntilTheNextWrite() async throws {
    let path = makeTemporaryDirectory("hnsw").appendingPathComponent("i.sqlite").path
    let index = try RetrievalIndex(path: path, encoder: HashingEncoder(), create: true)
    let docs = (0..<300).map { i in
      RetrievalDocument(
        id: "d\(i)", text: "topic\(i % 30) word\(i) common words here number\(i / 10)")
    }
    try await index.add(documents: docs)
    #expect(try index.hasApproximateIndex == false)
    try index.buildApproximateIndex(m: 8, efConstruction: 64)
    #expect(try index.hasApproximateIndex)
    let reopened = try RetrievalIndex(path: path, encoder: HashingEncoder())
    var agree = 0
    var found = 0
    for i in 0..<30 {
      let approx = try await reopened.search("topic\(i) word\(i)", k: 1, mode: .dense)
      let exact = try await reopened.search(
        "topic\(i) word\(i)", k: 1, mode: .dense, parameters: SearchParameters(ef: nil))
      if approx.first?.id == exact.first?.id { agree += 1 }
      if exact.first?.id == "d\(i)" { found += 1 }
    }
    #expect(found >= 25, "exact search found the planted document for \(found) of 30 queries")
    #expect(agree >= 28, "HNSW agreed with exact search on \(agree) of 30 queries")
    try await index.add(documents: [RetrievalDocument(id: "new", text: "fresh")])
    #expect(try index.hasApproximateIndex == false)
  }
}
