#if Postgres
import EmbeddingCore
import Foundation
import PostgresNIO
import Retrieval

extension PostgresStore {
  /// The table layout version written by this code (the SQLite index's format number).
  static let formatVersion = 1

  /// Creates the schema's tables, or checks them and returns the recorded chunking.
  public func prepare(chunking: ChunkingOptions?, create: Bool) async throws(EmbeddingError)
    -> ChunkingOptions
  {
    let s = self.s
    let schema = postgres.schema
    let exists = try await run { c in
      var found = false
      for try await (n) in try await c.query(
        "SELECT count(*)::bigint FROM information_schema.tables WHERE table_schema = \(schema) AND table_name = 'meta'",
        logger: logger
      ).decode(Int.self) {
        found = n > 0
      }
      return found
    }
    if !exists {
      guard create else {
        throw .io(
          path: location,
          reason: "no index here; create one with `embed index add --store \(location) FILES...`")
      }
      let options = chunking ?? ChunkingOptions()
      try await transaction { c in
        try await c.query("CREATE EXTENSION IF NOT EXISTS vector", logger: logger)
        try await c.query("CREATE SCHEMA IF NOT EXISTS \(unescaped: s)", logger: logger)
        for sql in [
          "CREATE TABLE \(s).meta(key text PRIMARY KEY, value text NOT NULL)",
          """
          CREATE TABLE \(s).documents(
            rowid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text NOT NULL UNIQUE,
            title text NOT NULL, text text NOT NULL, metadata jsonb NOT NULL DEFAULT '{}',
            content_hash text NOT NULL, length integer NOT NULL)
          """,
          """
          CREATE TABLE \(s).chunks(
            rowid bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            doc bigint NOT NULL REFERENCES \(s).documents(rowid) ON DELETE CASCADE,
            ordinal integer NOT NULL, start integer NOT NULL, "end" integer NOT NULL,
            hash text NOT NULL, vector vector)
          """,
          "CREATE INDEX chunks_doc ON \(s).chunks(doc, ordinal)",
          """
          CREATE TABLE \(s).postings(
            term text NOT NULL, doc bigint NOT NULL REFERENCES \(s).documents(rowid) ON DELETE CASCADE,
            tf integer NOT NULL, PRIMARY KEY (term, doc))
          """,
          "CREATE INDEX postings_doc ON \(s).postings(doc)",
          "CREATE INDEX documents_metadata ON \(s).documents USING gin (metadata jsonb_path_ops)",
        ] {
          try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
        for (key, value) in [
          ("format_version", String(Self.formatVersion)), ("chunk_tokens", String(options.tokens)),
          ("chunk_overlap", String(options.overlap)),
        ] {
          try await c.query(
            "INSERT INTO \(unescaped: s).meta(key, value) VALUES (\(key), \(value))", logger: logger
          )
        }
      }
      return options
    }
    let version = try await meta("format_version").flatMap { Int($0) } ?? -1
    guard version == Self.formatVersion else {
      throw .malformed(
        path: location, location: "\(postgres.schema).meta.format_version",
        reason:
          "index format \(version), this EmbeddingKit reads \(Self.formatVersion); rebuild the index"
      )
    }
    let tokens = try await meta("chunk_tokens").flatMap { Int($0) } ?? 256
    let overlap = try await meta("chunk_overlap").flatMap { Int($0) } ?? 32
    let recorded = ChunkingOptions(tokens: tokens, overlap: overlap)
    if let chunking, chunking != recorded {
      throw .invalidArgument(
        "\(location) cuts chunks of \(tokens) tokens with \(overlap) overlap, not \(chunking.tokens)/\(chunking.overlap); omit the chunk options or use a new index"
      )
    }
    return recorded
  }

  /// One meta value.
  func meta(_ key: String) async throws(EmbeddingError) -> String? {
    let s = self.s
    return try await run { c in
      var value: String?
      for try await (v) in try await c.query(
        "SELECT value FROM \(unescaped: s).meta WHERE key = \(key)", logger: logger
      ).decode(String.self) {
        value = v
      }
      return value
    }
  }

  /// The encoder recorded with the first vectors.
  public func recordedEncoder() async throws(EmbeddingError) -> EncoderDescriptor? {
    guard let json = try await meta("encoder") else { return nil }
    do {
      return try JSONDecoder().decode(EncoderDescriptor.self, from: Data(json.utf8))
    } catch {
      throw .malformed(
        path: location, location: "\(postgres.schema).meta.encoder",
        reason: "not an encoder record: \(error)")
    }
  }

  /// A free-form value.
  public func attribute(_ key: String) async throws(EmbeddingError) -> String? {
    try await meta("attr." + key)
  }

  /// Stores a free-form value.
  public func setAttribute(_ key: String, _ value: String) async throws(EmbeddingError) {
    let s = self.s
    let k = "attr." + key
    try await run { c in
      try await c.query(
        "INSERT INTO \(unescaped: s).meta(key, value) VALUES (\(k), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        logger: logger)
    }
  }

  /// Counts and bytes on disk (tables, TOAST and indexes).
  public func counts() async throws(EmbeddingError) -> StoreCounts {
    let s = self.s
    let schema = postgres.schema
    return try await run { c in
      var out = StoreCounts(documents: 0, chunks: 0, vectors: 0, bytes: 0)
      for try await (d, ch, v, b) in try await c.query(
        """
        SELECT (SELECT count(*) FROM \(unescaped: s).documents)::bigint,
               (SELECT count(*) FROM \(unescaped: s).chunks)::bigint,
               (SELECT count(*) FROM \(unescaped: s).chunks WHERE vector IS NOT NULL)::bigint,
               (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = \(schema) AND c.relkind = 'r')::bigint
        """, logger: logger
      ).decode((Int, Int, Int, Int).self) {
        out = StoreCounts(documents: d, chunks: ch, vectors: v, bytes: b)
      }
      return out
    }
  }

  /// Builds the HNSW index (pgvector, inner product on unit vectors = cosine).
  public func buildApproximateIndex(m: Int, efConstruction: Int) async throws(EmbeddingError)
    -> Double?
  {
    guard (2...100).contains(m), (4...1000).contains(efConstruction), efConstruction >= 2 * m else {
      throw .invalidArgument(
        "HNSW needs m in 2...100 and ef_construction in 4...1000 with ef_construction ≥ 2·m (pgvector's limits)"
      )
    }
    guard try await recordedEncoder() != nil else { return nil }
    let s = self.s
    let start = MonotonicClock.now()
    try await run { c in
      try await c.query("DROP INDEX IF EXISTS \(unescaped: s).chunks_hnsw", logger: logger)
      try await c.query(
        PostgresQuery(
          unsafeSQL:
            "CREATE INDEX chunks_hnsw ON \(s).chunks USING hnsw (vector vector_ip_ops) WITH (m = \(m), ef_construction = \(efConstruction))"
        ), logger: logger)
    }
    return MonotonicClock.now() - start
  }

  /// Whether the HNSW index exists.
  public func hasApproximateIndex() async throws(EmbeddingError) -> Bool {
    let name = postgres.schema + ".chunks_hnsw"
    return try await run { c in
      var found = false
      for try await (f) in try await c.query(
        "SELECT to_regclass(\(name)) IS NOT NULL", logger: logger
      ).decode(Bool.self) {
        found = f
      }
      return found
    }
  }
}

extension PostgresStore {
  /// Runs one SQL statement (for tests: ending a session, say).
  public func _execute(unsafeSQL sql: String) async throws(EmbeddingError) {
    try await run { c in
      // Read every row: the statement has run (or failed) only when its rows are consumed.
      for try await _ in try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
    }
  }

  /// Drops the schema with every table of the index (benchmarks and tests clean up with it).
  public func _dropSchema() async throws(EmbeddingError) {
    let s = self.s
    try await run { c in
      try await c.query("DROP SCHEMA IF EXISTS \(unescaped: s) CASCADE", logger: logger)
    }
  }
}
#endif
