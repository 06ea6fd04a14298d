import ArgumentParser
import EmbeddingKit
import Foundation
import Retrieval

/// `embed-bench store`: the SciFact index built from cached vectors (build time, file size, query
/// latency p50/p99 per mode), for the side-by-side with sqlite-vec + FTS5
/// (Benchmarks/retrieval/sqlite_vec_bench.py). Prints JSON lines.
struct StoreBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "store",
    abstract: "Build a SciFact index from cached vectors and time its queries; prints JSON lines.")

  @Argument(help: "The SciFact folder (corpus.jsonl.xz, queries.jsonl).")
  var scifact: String

  @Argument(help: "Folder with docs.npy, docs.ids, queries.npy, queries.ids (encode_minilm.py).")
  var vectors: String

  @Argument(help: "The index file to create (replaced).")
  var out: String

  @Option(help: "Stored vector precision.")
  var precision: String = "float32"

  @Option(help: "Passes over the queries.")
  var passes: Int = 1

  func run() async throws {
    guard let precision = VectorPrecision(rawValue: precision) else {
      throw ValidationError("--precision is float32, float16, int8 or binary")
    }
    let docs = try DocumentFiles.read(paths: ["\(scifact)/corpus.jsonl.xz"])
    let docVectors = try NumpyArrayFile.read(path: "\(vectors)/docs.npy")
    let docIds = try String(contentsOfFile: "\(vectors)/docs.ids", encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let queryVectors = try NumpyArrayFile.read(path: "\(vectors)/queries.npy")
    let queryIds = try String(contentsOfFile: "\(vectors)/queries.ids", encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let queryTexts = try BEIRMetrics.readQueries(path: "\(scifact)/queries.jsonl")
    var rows: [String: [Float]] = [:]
    let docRow = Dictionary(uniqueKeysWithValues: docIds.enumerated().map { ($1, $0) })
    for d in docs { if let r = docRow[d.id] { rows[d.body] = docVectors.row(r) } }
    var queries: [String] = []
    for (r, id) in queryIds.enumerated() {
      guard let text = queryTexts[id] else { continue }
      rows[text] = queryVectors.row(r)
      queries.append(text)
    }
    let encoder = LookupEncoder(rows: rows, dimension: docVectors.columns)
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: out + suffix) }

    let t0 = MonotonicClock.now()
    let index = try RetrievalIndex(
      path: out, encoder: encoder, chunking: ChunkingOptions(tokens: 1 << 20, overlap: 0),
      create: true)
    try index.setPrecision(precision)
    try await index.add(documents: docs, batchSize: 64)
    let build = MonotonicClock.now() - t0
    let info = try index.info
    emit([
      "tool": "embeddingkit", "method": "build", "precision": precision.rawValue,
      "documents": info.documents, "seconds": build, "bytes": info.bytes,
    ])
    for mode in [SearchMode.dense, .bm25, .hybrid] {
      var ms: [Double] = []
      for _ in 0..<max(1, passes) {
        for q in queries {
          let t = MonotonicClock.now()
          let hits = try await index.search(q, k: 10, mode: mode)
          ms.append((MonotonicClock.now() - t) * 1000)
          if hits.isEmpty && mode != .bm25 { throw ValidationError("no hits for \(q)") }
        }
      }
      ms.sort()
      emit([
        "tool": "embeddingkit", "method": mode.rawValue, "precision": precision.rawValue,
        "queries": ms.count, "p50_ms": ms[ms.count / 2],
        "p99_ms": ms[min(ms.count - 1, Int(Double(ms.count) * 0.99))],
      ])
    }
  }

  private func emit(_ object: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
      print(String(decoding: data, as: UTF8.self))
    }
  }
}

/// An encoder that returns cached vectors for known texts (one span per text, so one chunk each).
private struct LookupEncoder: TextEncoder {
  let rows: [String: [Float]]
  let descriptor: EncoderDescriptor

  init(rows: [String: [Float]], dimension: Int) {
    self.rows = rows
    descriptor = EncoderDescriptor(
      kind: "cached", name: "all-MiniLM-L6-v2 (cached vectors)", dimension: dimension,
      fingerprint: "cached", normalized: true)
  }

  func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    let m = Matrix(rows: texts.count, columns: dimension)
    for (r, t) in texts.enumerated() {
      guard let v = rows[t] else {
        throw EmbeddingError.invalidArgument("no cached vector for '\(t.prefix(40))'")
      }
      for j in 0..<dimension { m[r, j] = v[j] }
    }
    return m
  }

  func tokenSpans(of text: String) -> [Range<Int>] { [0..<text.utf8.count] }
}
