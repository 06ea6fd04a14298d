import EmbeddingCore
import Foundation
import GRDB

extension RetrievalIndex {
  /// Vector count from which `embed index add` builds an HNSW graph; below it exact search is fast
  /// enough. Measured (BENCHMARKS.md, 384-d clustered vectors, 1 thread): HNSW at the default beam
  /// (ef 128, recall@10 0.985) is level with exact search at about 5,000 vectors and 4.3 times
  /// faster at 20,000; 10,000 leaves exact search (always exact, no build) where it costs at most
  /// twice as much.
  public static let approximateSearchThreshold = 10_000

  /// Builds an HNSW graph over the current vectors and stores it in the index (table `ann`), tied to
  /// the current generation: a later write makes searches exact again until it is rebuilt.
  ///
  /// - Returns: seconds spent building, or nil when the index holds no vectors.
  /// - Complexity: about O(n · log n · efConstruction · m · dimension).
  @discardableResult
  public func buildApproximateIndex(m: Int = 16, efConstruction: Int = 200) throws(EmbeddingError)
    -> Double?
  {
    guard encoder != nil else {
      throw .invalidArgument(
        "building the HNSW graph needs the index's encoder (for its dimension)")
    }
    let snap = try snapshot(needVectors: true)
    guard let vectors = snap.vectors, vectors.rows > 0 else { return nil }
    let start = MonotonicClock.now()
    let graph = HNSWGraph(vectors: vectors, m: m, efConstruction: efConstruction)
    graph.build()
    let seconds = MonotonicClock.now() - start
    let data = graph.serialized()
    let path = self.path
    try write { db in
      guard try IndexSchema.generation(db) == snap.generation else {
        throw EmbeddingError.io(
          path: path, reason: "documents changed while the HNSW graph was built; build it again")
      }
      try db.execute(
        sql:
          "CREATE TABLE IF NOT EXISTS ann(name TEXT PRIMARY KEY, generation INTEGER NOT NULL, data BLOB NOT NULL)"
      )
      try db.execute(
        sql: "INSERT OR REPLACE INTO ann(name, generation, data) VALUES ('hnsw', ?, ?)",
        arguments: [snap.generation, data])
    }
    dropSnapshot()
    return seconds
  }

  /// Whether the index holds an HNSW graph for its current contents.
  public var hasApproximateIndex: Bool {
    get throws(EmbeddingError) {
      try read { db in
        guard try db.tableExists("ann") else { return false }
        let g = try IndexSchema.generation(db)
        return try Int.fetchOne(
          db, sql: "SELECT count(*) FROM ann WHERE name = 'hnsw' AND generation = ?", arguments: [g]
        ) == 1
      }
    }
  }
}
