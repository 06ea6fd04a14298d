#if Postgres
import EmbeddingCore
import Foundation
import Retrieval
import RetrievalPostgres

/// `embed-postgres bench SCIFACT_DIR VECTORS_DIR`: SciFact in the SQLite index and in PostgreSQL +
/// pgvector with the same vectors (one per document, cached by Benchmarks/retrieval/encode_minilm.py):
/// build time, size on disk, query latency p50/p99 exact and HNSW, recall@10 of HNSW against exact,
/// and whether the exact rankings agree.
///
/// The store URL comes from EMBEDDINGKIT_POSTGRES_URL; the SQLite file goes to a temporary folder.
enum StoreBenchmark {
  static func run(_ arguments: [String]) async throws {
    guard arguments.count >= 2,
      let url = ProcessInfo.processInfo.environment["EMBEDDINGKIT_POSTGRES_URL"]
    else {
      print(
        "usage: EMBEDDINGKIT_POSTGRES_URL=… embed-postgres bench SCIFACT_DIR VECTORS_DIR [ef...]")
      exit(2)
    }
    let scifact = arguments[0]
    let cache = arguments[1]
    let efs = arguments.dropFirst(2).compactMap { Int($0) }
    let docs = try DocumentFiles.read(paths: [scifact + "/corpus.jsonl.xz"])
    let queries = try BEIRMetrics.readQueries(path: scifact + "/queries.jsonl")
    let qrels = try BEIRMetrics.readQrels(path: scifact + "/qrels/test.tsv")
    let encoder: any TextEncoder
    if FileManager.default.fileExists(atPath: cache + "/docs.npy") {
      encoder = try CachedVectors(
        docs: docs, docVectors: NumpyArrayFile.read(path: cache + "/docs.npy"),
        docIDs: lines(cache + "/docs.ids"), queries: queries,
        queryVectors: NumpyArrayFile.read(path: cache + "/queries.npy"),
        queryIDs: lines(cache + "/queries.ids"))
    } else {
      print("no \(cache)/docs.npy: hashed bag-of-words vectors (384 dimensions) instead")
      encoder = HashedWords(dimension: 384)
    }
    let judged = qrels.keys.sorted().compactMap { queries[$0] }
    print(
      "SciFact: \(docs.count) documents, \(judged.count) test queries, dimension \(encoder.dimension)"
    )

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "embeddingkit-store-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let chunking = ChunkingOptions(tokens: 8, overlap: 0)  // one chunk per document (one span)
    let sqlite = try RetrievalIndex(
      path: folder.appendingPathComponent("scifact.sqlite").path, encoder: encoder,
      chunking: chunking, create: true)
    let schema = "bench_" + UUID().uuidString.prefix(8).lowercased()
    let storeURL = url + (url.contains("?") ? "&" : "?") + "schema=" + schema
    // The store is closed, and its schema dropped, on success and on error alike.
    try await PostgresStore.with(url: storeURL) { store in
      func measure() async throws {
        let pg = try await StoreIndex(
          store: store, encoder: encoder, chunking: chunking, create: true)

        var t = MonotonicClock.now()
        try await sqlite.add(documents: docs)
        let sqliteAdd = MonotonicClock.now() - t
        t = MonotonicClock.now()
        try await pg.add(documents: docs)
        let pgAdd = MonotonicClock.now() - t
        let sqliteBytesFlat = try sqlite.info.bytes
        let pgBytesFlat = try await pg.info().bytes
        let sqliteHNSW = try sqlite.buildApproximateIndex() ?? 0
        let pgHNSW = try await pg.buildApproximateIndex() ?? 0
        let sqliteBytes = try sqlite.info.bytes
        let pgBytes = try await pg.info().bytes
        print(
          String(format: "| build (add %d docs) | %.1f s | %.1f s |", docs.count, sqliteAdd, pgAdd))
        print(
          String(
            format: "| HNSW build (M 16, ef_construction 200) | %.1f s | %.1f s |", sqliteHNSW,
            pgHNSW))
        print(
          "| size without / with HNSW | \(ByteCount.format(sqliteBytesFlat)) / \(ByteCount.format(sqliteBytes)) | \(ByteCount.format(pgBytesFlat)) / \(ByteCount.format(pgBytes)) |"
        )

        // Exact rankings of both stores, and their agreement.
        let exact = SearchParameters(ef: nil)
        var sqliteExact: [[RankedDocument]] = []
        var pgExact: [[RankedDocument]] = []
        var sqliteTimes: [Double] = []
        var pgTimes: [Double] = []
        for q in judged {
          t = MonotonicClock.now()
          sqliteExact.append(try sqlite.rank(q, depth: 10, mode: .dense, parameters: exact))
          sqliteTimes.append(MonotonicClock.now() - t)
          t = MonotonicClock.now()
          pgExact.append(try await pg.rank(q, depth: 10, mode: .dense, parameters: exact))
          pgTimes.append(MonotonicClock.now() - t)
        }
        var sameIDs = 0
        var maxDiff = 0.0
        for (a, b) in zip(sqliteExact, pgExact) {
          if a.map(\.id) == b.map(\.id) { sameIDs += 1 }
          for (x, y) in zip(a, b) { maxDiff = max(maxDiff, abs(x.score - y.score)) }
        }
        print("| dense exact p50 / p99 | \(ms(sqliteTimes)) | \(ms(pgTimes)) |")
        print(
          "exact top-10 identical on \(sameIDs)/\(judged.count) queries, largest score difference \(maxDiff)"
        )

        for ef in efs.isEmpty ? [40, 128] : efs {
          let approx = SearchParameters(ef: ef)
          var st: [Double] = []
          var pt: [Double] = []
          var sFound = 0
          var pFound = 0
          for (i, q) in judged.enumerated() {
            t = MonotonicClock.now()
            let a = try sqlite.rank(q, depth: 10, mode: .dense, parameters: approx)
            st.append(MonotonicClock.now() - t)
            t = MonotonicClock.now()
            let b = try await pg.rank(q, depth: 10, mode: .dense, parameters: approx)
            pt.append(MonotonicClock.now() - t)
            sFound += Set(a.map(\.id)).intersection(sqliteExact[i].map(\.id)).count
            pFound += Set(b.map(\.id)).intersection(sqliteExact[i].map(\.id)).count
          }
          let n = Double(judged.count * 10)
          print(
            "| dense HNSW ef \(ef) p50 / p99 (recall@10 vs exact) | \(ms(st)) (\(String(format: "%.3f", Double(sFound) / n))) | \(ms(pt)) (\(String(format: "%.3f", Double(pFound) / n))) |"
          )
        }
        for mode in [SearchMode.bm25, .hybrid] {
          var st: [Double] = []
          var pt: [Double] = []
          for q in judged {
            t = MonotonicClock.now()
            _ = try sqlite.rank(q, depth: 10, mode: mode, parameters: exact)
            st.append(MonotonicClock.now() - t)
            t = MonotonicClock.now()
            _ = try await pg.rank(q, depth: 10, mode: mode, parameters: exact)
            pt.append(MonotonicClock.now() - t)
          }
          print("| \(mode.rawValue) (exact dense) p50 / p99 | \(ms(st)) | \(ms(pt)) |")
        }
        let s = try await sqlite.rankAll(
          queries: queries, qrels: qrels, mode: .dense, parameters: exact)
        let p = try await pg.rankAll(
          queries: queries, qrels: qrels, mode: .dense, parameters: exact)
        let ms = BEIRMetrics.evaluate(run: s.mapValues { $0.map(\.id) }, qrels: qrels)
        let mp = BEIRMetrics.evaluate(run: p.mapValues { $0.map(\.id) }, qrels: qrels)
        print(
          String(format: "dense exact nDCG@10: SQLite %.4f, PostgreSQL %.4f", ms.ndcg10, mp.ndcg10))
      }
      do {
        try await measure()
      } catch {
        try? await store._dropSchema()
        throw error
      }
      try await store._dropSchema()
    }
  }

  static func ms(_ seconds: [Double]) -> String {
    let sorted = seconds.sorted()
    func at(_ q: Double) -> Double {
      sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] * 1000
    }
    return String(format: "%.2f / %.2f ms", at(0.5), at(0.99))
  }

  static func lines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
  }
}

/// A `TextEncoder` that returns cached vectors: a document's body (title + "\n" + text, one chunk)
/// or a query's text maps to its row.
struct CachedVectors: TextEncoder {
  let descriptor: EncoderDescriptor
  let vectors: [String: [Float]]

  init(
    docs: [RetrievalDocument], docVectors: Matrix, docIDs: [String], queries: [String: String],
    queryVectors: Matrix, queryIDs: [String]
  ) throws {
    descriptor = EncoderDescriptor(
      kind: "cached", name: "all-MiniLM-L6-v2 (cached)", dimension: docVectors.columns,
      fingerprint: "cache", normalized: true)
    var byDoc: [String: Int] = [:]
    for (i, id) in docIDs.enumerated() { byDoc[id] = i }
    var map: [String: [Float]] = [:]
    for d in docs {
      guard let r = byDoc[d.id] else {
        throw EmbeddingError.invalidArgument("no vector for \(d.id)")
      }
      map[d.body] = Array(
        UnsafeBufferPointer(start: docVectors.rowPointer(r), count: docVectors.columns))
    }
    for (i, id) in queryIDs.enumerated() {
      if let text = queries[id] {
        map[text] = Array(
          UnsafeBufferPointer(start: queryVectors.rowPointer(i), count: queryVectors.columns))
      }
    }
    vectors = map
  }

  func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    let m = Matrix(rows: texts.count, columns: dimension)
    for (r, text) in texts.enumerated() {
      guard let v = vectors[text] else {
        throw EmbeddingError.invalidArgument("no cached vector for '\(text.prefix(40))'")
      }
      for (i, x) in v.enumerated() { m.rowPointer(r)[i] = x }
    }
    return m
  }

  /// One span: every document is one chunk.
  func tokenSpans(of text: String) -> [Range<Int>] {
    text.utf8.isEmpty ? [] : [0..<text.utf8.count]
  }
}

/// Hashed bag-of-words unit vectors (words hashed into `dimension` buckets, weighted by 1 + log
/// count): real text structure when no cached encoder vectors are at hand. One chunk per document.
struct HashedWords: TextEncoder {
  let descriptor: EncoderDescriptor

  init(dimension: Int) {
    descriptor = EncoderDescriptor(
      kind: "hashed", name: "hashed-words", dimension: dimension, fingerprint: "fnv",
      normalized: true)
  }

  func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    let m = Matrix(rows: texts.count, columns: dimension)
    for (r, text) in texts.enumerated() {
      let p = m.rowPointer(r)
      for i in 0..<dimension { p[i] = 0 }
      var counts: [Int: Int] = [:]
      for word in LexicalTokenizer.terms(text) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in word.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        counts[Int(h % UInt64(dimension)), default: 0] += 1
      }
      for (i, c) in counts { p[i] = 1 + Float(log(Double(c))) }
      _ = VectorKernels.normalize(p, dimension)
    }
    return m
  }

  func tokenSpans(of text: String) -> [Range<Int>] {
    text.utf8.isEmpty ? [] : [0..<text.utf8.count]
  }
}
#endif
