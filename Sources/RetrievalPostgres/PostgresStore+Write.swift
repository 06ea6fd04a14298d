#if Postgres
import EmbeddingCore
import Foundation
import PostgresNIO
import Retrieval

extension PostgresStore {
  /// The content hash of each present id.
  public func contentHashes(ids: [String]) async throws(EmbeddingError) -> [String: String] {
    let s = self.s
    return try await run { c in
      var out: [String: String] = [:]
      for try await (id, hash) in try await c.query(
        "SELECT id, content_hash FROM \(unescaped: s).documents WHERE id = ANY(\(ids))",
        logger: logger
      ).decode((String, String).self) {
        out[id] = hash
      }
      return out
    }
  }

  /// The vectors of a document's chunks by chunk hash.
  public func storedVectors(documentID: String) async throws(EmbeddingError) -> [String: [Float]] {
    let s = self.s
    return try await run { c in
      var out: [String: [Float]] = [:]
      for try await (hash, text) in try await c.query(
        """
        SELECT c.hash, c.vector::text FROM \(unescaped: s).chunks c
        JOIN \(unescaped: s).documents d ON d.rowid = c.doc
        WHERE d.id = \(documentID) AND c.vector IS NOT NULL
        """, logger: logger
      ).decode((String, String).self) {
        out[hash] = Self.parseVector(text)
      }
      return out
    }
  }

  /// Writes documents (replacing those with the same id) in one transaction, recording the encoder
  /// on the first write. Writers take a lock on the meta table, so two writers run one after the other.
  public func write(_ documents: [StoredDocument], encoder: EncoderDescriptor?)
    async throws(EmbeddingError)
  {
    let s = self.s
    let location = self.location
    try await transaction { c in
      try await c.query(
        "LOCK TABLE \(unescaped: s).meta IN SHARE ROW EXCLUSIVE MODE", logger: logger)
      var recordedJSON: String?
      for try await (v) in try await c.query(
        "SELECT value FROM \(unescaped: s).meta WHERE key = 'encoder'", logger: logger
      ).decode(String.self) {
        recordedJSON = v
      }
      let recorded = try recordedJSON.map {
        try JSONDecoder().decode(EncoderDescriptor.self, from: Data($0.utf8))
      }
      switch (recorded, encoder) {
      case (nil, nil):
        break
      case (let recorded?, let given?):
        try EncoderRecord.check(recorded: recorded, given: given, location: location)
      case (let recorded?, nil):
        throw EncoderRecord.mismatch(recorded: recorded, given: nil, location: location)
      case (nil, let given?):
        var docs = 0
        for try await (n) in try await c.query(
          "SELECT count(*)::bigint FROM \(unescaped: s).documents", logger: logger
        ).decode(Int.self) {
          docs = n
        }
        guard docs == 0 else {
          throw EncoderRecord.mismatch(recorded: nil, given: given, location: location)
        }
        try await c.query(
          PostgresQuery(
            unsafeSQL: "ALTER TABLE \(s).chunks ALTER COLUMN vector TYPE vector(\(given.dimension))"
          ), logger: logger)
        let json = String(decoding: try JSONEncoder().encode(given), as: UTF8.self)
        try await c.query(
          "INSERT INTO \(unescaped: s).meta(key, value) VALUES ('encoder', \(json))", logger: logger
        )
      }
      try await c.query(
        "DELETE FROM \(unescaped: s).documents WHERE id = ANY(\(documents.map(\.id)))",
        logger: logger)
      var chunkDoc: [Int] = []
      var ordinals: [Int] = []
      var starts: [Int] = []
      var ends: [Int] = []
      var hashes: [String] = []
      var vectors: [String] = []
      var termDoc: [Int] = []
      var terms: [String] = []
      var tfs: [Int] = []
      for d in documents {
        var rowid = 0
        for try await (r) in try await c.query(
          """
          INSERT INTO \(unescaped: s).documents(id, title, text, metadata, content_hash, length)
          VALUES (\(d.id), \(d.title), \(d.text), \(d.metadataJSON)::jsonb, \(d.contentHash), \(d.length))
          RETURNING rowid
          """, logger: logger
        ).decode(Int.self) {
          rowid = r
        }
        for ch in d.chunks {
          chunkDoc.append(rowid)
          ordinals.append(ch.ordinal)
          starts.append(ch.start)
          ends.append(ch.end)
          hashes.append(ch.hash)
          vectors.append(ch.vector.map(Self.vectorText) ?? "")
        }
        for (term, tf) in d.terms.sorted(by: { $0.key < $1.key }) {
          termDoc.append(rowid)
          terms.append(term)
          tfs.append(tf)
        }
      }
      try await c.query(
        """
        INSERT INTO \(unescaped: s).chunks(doc, ordinal, start, "end", hash, vector)
        SELECT d, o, st, e, h, NULLIF(v, '')::vector
        FROM unnest(\(chunkDoc)::bigint[], \(ordinals)::bigint[], \(starts)::bigint[], \(ends)::bigint[],
                    \(hashes)::text[], \(vectors)::text[]) AS t(d, o, st, e, h, v)
        """, logger: logger)
      try await c.query(
        """
        INSERT INTO \(unescaped: s).postings(term, doc, tf)
        SELECT t, d, f FROM unnest(\(terms)::text[], \(termDoc)::bigint[], \(tfs)::bigint[]) AS x(t, d, f)
        """, logger: logger)
    }
  }

  /// Removes documents by id (chunks and postings go with them); returns how many were present.
  public func remove(ids: [String]) async throws(EmbeddingError) -> Int {
    let s = self.s
    return try await transaction { c in
      try await c.query(
        "LOCK TABLE \(unescaped: s).meta IN SHARE ROW EXCLUSIVE MODE", logger: logger)
      var n = 0
      for try await (_) in try await c.query(
        "DELETE FROM \(unescaped: s).documents WHERE id = ANY(\(ids)) RETURNING rowid",
        logger: logger
      ).decode(Int.self) {
        n += 1
      }
      return n
    }
  }

  /// pgvector's text form: `[0.1,-0.25,…]` with Swift's shortest exact float digits.
  static func vectorText(_ v: [Float]) -> String {
    "[" + v.map { $0.description }.joined(separator: ",") + "]"
  }

  /// Parses pgvector's text form.
  static func parseVector(_ text: String) -> [Float] {
    text.dropFirst().dropLast().split(separator: ",").compactMap { Float($0) }
  }
}
#endif
