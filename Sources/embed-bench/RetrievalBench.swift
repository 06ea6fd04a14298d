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

  @Option(help: "Queries timed one at a time for exact search (0: all).")
  var exactQueries: Int = 0

  @Flag(help: "Also measure recall@k of float16, int8 and binary storage against float32.")
  var precision = false

  @Flag(help: "Skip the HNSW build and sweep (exact search and precision only).")
  var noHNSW = false

  @Option(help: "Use only the first N base vectors (0: all).")
  var rows: Int = 0

  func run() throws {
    let all = try NumpyArrayFile.read(path: base)
    let x = rows > 0 && rows < all.rows ? Matrix(rows: rows, columns: all.columns) : all
    if x !== all { x.baseAddress.update(from: all.baseAddress, count: x.count) }
    let q = try NumpyArrayFile.read(path: queries)
    for r in 0..<x.rows { _ = VectorKernels.normalize(x.rowPointer(r), x.columns) }
    for r in 0..<q.rows { _ = VectorKernels.normalize(q.rowPointer(r), q.columns) }
    let d = x.columns
    emit(["tool": "embeddingkit", "method": "kernels", "accelerated": DistanceKernels.accelerated])

    // Exact search, one thread: the batch (GEMM) gives the ground truth; then one query at a time.
    let t0 = MonotonicClock.now()
    let truth = ExactSearch.search(queries: q, base: x, k: k).map { Set($0.map(\.node)) }
    let batchSeconds = MonotonicClock.now() - t0
    emit([
      "tool": "embeddingkit", "method": "exact-batch", "n": x.rows, "d": d, "queries": q.rows,
      "qps": Double(q.rows) / batchSeconds,
    ])
    let single = exactQueries > 0 ? min(exactQueries, q.rows) : q.rows
    var agree = 0
    let t1 = MonotonicClock.now()
    for i in 0..<single {
      agree +=
        ExactSearch.search(q.rowPointer(i), base: x, k: k).filter {
          truth[i].contains($0.node)
        }.count
    }
    let singleSeconds = MonotonicClock.now() - t1
    emit([
      "tool": "embeddingkit", "method": "exact", "n": x.rows, "d": d, "queries": single,
      "qps": Double(single) / singleSeconds, "agreement": Double(agree) / Double(single * k),
    ])

    if precision {
      for p in [VectorPrecision.float16, .int8, .binary] {
        for rescore in p == .binary ? [0, 100] : [0] {
          let r = p.recall(base: x, queries: q, k: k, rescore: rescore)
          emit([
            "tool": "embeddingkit", "method": "precision", "precision": p.rawValue,
            "rescore": rescore, "recall": r,
          ])
        }
      }
    }
    if noHNSW { return }

    let tb = MonotonicClock.now()
    let graph = HNSWGraph(vectors: x, m: m, efConstruction: efConstruction)
    graph.build()
    let buildSeconds = MonotonicClock.now() - tb
    emit([
      "tool": "embeddingkit", "method": "hnsw-build", "m": m, "ef_construction": efConstruction,
      "seconds": buildSeconds, "link_bytes": graph.linkBytes, "vector_bytes": x.rows * d * 4,
    ])
    let searcher = graph.makeSearcher()
    for e in ef.split(separator: ",").compactMap({ Int($0) }) {
      var found: [[(node: Int32, score: Float)]] = []
      found.reserveCapacity(q.rows)
      let ts = MonotonicClock.now()
      for i in 0..<q.rows { found.append(searcher.search(graph, q.rowPointer(i), k: k, ef: e)) }
      let seconds = MonotonicClock.now() - ts
      var hits = 0
      for i in 0..<q.rows { for f in found[i] where truth[i].contains(f.node) { hits += 1 } }
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
