import ArgumentParser
import EmbeddingKit
import Foundation
import Retrieval

/// `embed-bench hnsw`: exact search and HNSW on real vectors, 1 thread; prints JSON lines.
///
/// Recall@10 is measured against exact inner-product search over the same unit vectors; the Python
/// side (Benchmarks/retrieval/ann_bench.py) runs hnswlib and faiss on the same .npy files.
struct HNSWBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hnsw",
    abstract:
      "Time exact search and HNSW (build, recall@10, queries/s) on .npy vectors; prints JSON lines."
  )

  @Argument(help: "Base vectors (.npy, float32 [n × d]).")
  var base: String

  @Argument(help: "Query vectors (.npy).")
  var queries: String

  @Option(help: "HNSW links per node (layer 0 has twice as many).")
  var m: Int = 16

  @Option(help: "Candidate list while building.")
  var efConstruction: Int = 200

  @Option(help: "Comma-separated search beam sizes.")
  var ef: String = "10,16,24,32,48,64,96,128,192,256"

  @Option(help: "Neighbours per query.")
  var k: Int = 10

  func run() throws {
    let x = try NumpyArrayFile.read(path: base)
    let q = try NumpyArrayFile.read(path: queries)
    for r in 0..<x.rows { _ = VectorKernels.normalize(x.rowPointer(r), x.columns) }
    for r in 0..<q.rows { _ = VectorKernels.normalize(q.rowPointer(r), q.columns) }
    let d = x.columns

    // Exact search, one thread: the ground truth and its speed.
    var truth: [[Int32]] = []
    var scores = [Float](repeating: 0, count: x.rows)
    let t0 = MonotonicClock.now()
    for i in 0..<q.rows {
      let qp = q.rowPointer(i)
      for r in 0..<x.rows { scores[r] = VectorKernels.dot(qp, x.rowPointer(r), d) }
      var idx = Array(0..<Int32(x.rows))
      idx.sort {
        scores[Int($0)] > scores[Int($1)] || (scores[Int($0)] == scores[Int($1)] && $0 < $1)
      }
      truth.append(Array(idx.prefix(k)))
    }
    let exactSeconds = MonotonicClock.now() - t0
    emit([
      "tool": "embeddingkit", "method": "exact", "n": x.rows, "d": d, "queries": q.rows,
      "qps": Double(q.rows) / exactSeconds,
    ])

    let tb = MonotonicClock.now()
    let graph = HNSWGraph(vectors: x, m: m, efConstruction: efConstruction)
    graph.build()
    let buildSeconds = MonotonicClock.now() - tb
    emit([
      "tool": "embeddingkit", "method": "hnsw-build", "m": m, "ef_construction": efConstruction,
      "seconds": buildSeconds, "link_bytes": graph.linkBytes, "vector_bytes": x.rows * d * 4,
    ])
    for e in ef.split(separator: ",").compactMap({ Int($0) }) {
      var hits = 0
      let ts = MonotonicClock.now()
      for i in 0..<q.rows {
        let found = graph.search(q.rowPointer(i), k: k, ef: e)
        let want = Set(truth[i])
        hits += found.filter { want.contains($0.node) }.count
      }
      let seconds = MonotonicClock.now() - ts
      emit([
        "tool": "embeddingkit", "method": "hnsw", "ef": e,
        "recall": Double(hits) / Double(q.rows * k), "qps": Double(q.rows) / seconds,
      ])
    }
  }

  private func emit(_ object: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
      print(String(decoding: data, as: UTF8.self))
    }
  }
}
