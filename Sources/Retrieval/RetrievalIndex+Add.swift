import EmbeddingCore
import Foundation
import GRDB

/// What one `add(documents:)` call did.
public struct AddSummary: Sendable, Equatable {
  /// New documents.
  public var added = 0
  /// Documents whose id was present with other content (their chunks were replaced).
  public var replaced = 0
  /// Documents already present with the same content (skipped: a rerun resumes).
  public var unchanged = 0
  /// Chunks sent to the encoder.
  public var chunksEmbedded = 0
  /// Chunks of replaced documents whose vectors were kept because their text did not change.
  public var chunksReused = 0

  /// Creates an empty summary.
  public init() {}
}

extension RetrievalIndex {
  /// Adds or replaces `documents`, `batchSize` at a time, each batch in one transaction.
  ///
  /// A document whose id is present with the same title, text and metadata is skipped; with other
  /// content its chunks are replaced and only chunks whose text changed are embedded again.
  /// - Complexity: proportional to the tokens of the new or changed documents.
  @discardableResult
  public func add(
    documents: [RetrievalDocument], batchSize: Int = 64, progress: ProgressHandler? = nil
  ) async throws(EmbeddingError) -> AddSummary {
    guard batchSize > 0 else {
      throw .invalidArgument("batch size must be positive, got \(batchSize)")
    }
    try EncoderRecord.checkAdd(
      recorded: try recordedEncoder(), given: encoder?.descriptor, location: path)
    var summary = AddSummary()
    let start = MonotonicClock.now()
    var done = 0
    while done < documents.count {
      if Task.isCancelled { throw .cancelled }
      let batch = Array(documents[done..<min(documents.count, done + batchSize)])
      try addBatch(batch, summary: &summary)
      done += batch.count
      progress?(
        ProgressReport(
          stage: "indexing", completed: done, total: documents.count, unit: "docs",
          elapsed: MonotonicClock.now() - start,
          metrics: encoder == nil ? [:] : ["chunks embedded": Double(summary.chunksEmbedded)]))
    }
    return summary
  }

  /// A document prepared for writing: its chunks, their hashes and (after encoding) vectors.
  private struct Prepared {
    var document: RetrievalDocument
    var hash: String
    var metadataJSON: String
    var length: Int
    var chunks: [Chunk]
    var chunkHashes: [String]
    var vectors: [Data?]
    var replaces: Bool
  }

  private func addBatch(_ batch: [RetrievalDocument], summary: inout AddSummary)
    throws(EmbeddingError)
  {
    // The last occurrence of an id in a batch wins.
    var seen = Set<String>()
    var unique: [RetrievalDocument] = []
    for doc in batch.reversed() where seen.insert(doc.id).inserted { unique.append(doc) }
    unique.reverse()

    let ids = unique.map(\.id)
    let existing = try read { db -> [String: (Int64, String)] in
      var out: [String: (Int64, String)] = [:]
      let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
      let rows = try Row.fetchAll(
        db, sql: "SELECT rowid, id, content_hash FROM documents WHERE id IN (\(marks))",
        arguments: StatementArguments(ids))
      for row in rows { out[row[1]] = (row[0], row[2]) }
      return out
    }

    let chunker = Chunker(options: chunking)
    var prepared: [Prepared] = []
    var toEncode: [(doc: Int, chunk: Int)] = []
    for doc in unique {
      let metadataJSON = Self.json(doc.metadata)
      let hash = ContentHash.hex(doc.title, doc.text, metadataJSON)
      let old = existing[doc.id]
      if let old, old.1 == hash {
        summary.unchanged += 1
        continue
      }
      let body = doc.body
      let spans = encoder?.tokenSpans(of: body) ?? Self.wordSpans(body)
      let chunks = chunker.chunks(of: body, spans: spans)
      let hashes = chunks.map { ContentHash.hex($0.text) }
      var vectors = [Data?](repeating: nil, count: chunks.count)
      if let old, encoder != nil {
        let reusable = try read { db -> [String: Data] in
          var out: [String: Data] = [:]
          for row in try Row.fetchAll(
            db, sql: "SELECT hash, vector FROM chunks WHERE doc = ? AND vector IS NOT NULL",
            arguments: [old.0])
          {
            out[row[0]] = row[1]
          }
          return out
        }
        for (i, h) in hashes.enumerated() {
          if let v = reusable[h] {
            vectors[i] = v
            summary.chunksReused += 1
          }
        }
      }
      if encoder != nil {
        for i in chunks.indices where vectors[i] == nil { toEncode.append((prepared.count, i)) }
      }
      prepared.append(
        Prepared(
          document: doc, hash: hash, metadataJSON: metadataJSON,
          length: LexicalTokenizer.terms(body).count, chunks: chunks, chunkHashes: hashes,
          vectors: vectors, replaces: old != nil))
    }
    if prepared.isEmpty { return }

    var newCalibration: VectorCodec?
    if let encoder, !toEncode.isEmpty {
      let texts = toEncode.map { prepared[$0.doc].chunks[$0.chunk].text }
      let matrix: Matrix
      do {
        matrix = try encoder.encode(texts, role: .passage)
      } catch {
        throw (error as? EmbeddingError) ?? .invalidArgument("encoder failed: \(error)")
      }
      guard matrix.rows == texts.count, matrix.columns == encoder.dimension else {
        throw .invalidArgument(
          "the encoder returned a \(matrix.rows) × \(matrix.columns) matrix for \(texts.count) texts of dimension \(encoder.dimension)"
        )
      }
      for r in 0..<matrix.rows { _ = VectorKernels.normalize(matrix.rowPointer(r), matrix.columns) }
      let path = self.path
      var codec = try read { db in
        try Self.codec(db, dimension: matrix.columns, path: path)
      }
      if codec == nil {
        let calibrated = VectorCodec.calibratedInt8(matrix)
        codec = calibrated
        newCalibration = calibrated
      }
      for (r, slot) in toEncode.enumerated() {
        prepared[slot.doc].vectors[slot.chunk] = codec?.encode(
          matrix.rowPointer(r), count: matrix.columns)
      }
      summary.chunksEmbedded += texts.count
    }

    let descriptor = encoder?.descriptor
    let path = self.path
    try write { db in
      try Self.recordEncoder(db, descriptor: descriptor, path: path)
      if let newCalibration { try Self.recordCalibration(db, newCalibration, path: path) }
      for p in prepared {
        if let row = try Row.fetchOne(
          db, sql: "SELECT rowid, title, text FROM documents WHERE id = ?",
          arguments: [p.document.id])
        {
          let rowid: Int64 = row[0]
          let oldBody = RetrievalDocument(id: p.document.id, title: row[1], text: row[2]).body
          try db.execute(
            sql: "INSERT INTO documents_fts(documents_fts, rowid, body) VALUES ('delete', ?, ?)",
            arguments: [rowid, oldBody])
          try db.execute(sql: "DELETE FROM chunks WHERE doc = ?", arguments: [rowid])
          try db.execute(sql: "DELETE FROM documents WHERE rowid = ?", arguments: [rowid])
        }
        try db.execute(
          sql: """
            INSERT INTO documents(id, title, text, metadata, content_hash, length)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            p.document.id, p.document.title, p.document.text, p.metadataJSON, p.hash, p.length,
          ])
        let rowid = db.lastInsertedRowID
        try db.execute(
          sql: "INSERT INTO documents_fts(rowid, body) VALUES (?, ?)",
          arguments: [rowid, p.document.body])
        for (i, chunk) in p.chunks.enumerated() {
          try db.execute(
            sql:
              "INSERT INTO chunks(doc, ordinal, start, \"end\", hash, vector) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
              rowid, chunk.index, chunk.bytes.lowerBound, chunk.bytes.upperBound, p.chunkHashes[i],
              p.vectors[i],
            ])
        }
      }
      try IndexSchema.bumpGeneration(db)
    }
    for p in prepared {
      if p.replaces { summary.replaced += 1 } else { summary.added += 1 }
    }
  }

  /// Records the encoder on the first write, or refuses a different one.
  private static func recordEncoder(
    _ db: Database, descriptor: EncoderDescriptor?, path: String
  ) throws {
    let recorded = try recordedEncoder(db)
    switch (recorded, descriptor) {
    case (nil, nil):
      return
    case (let recorded?, _):
      try EncoderRecord.checkAdd(recorded: recorded, given: descriptor, location: path)
    case (nil, let given?):
      let docs = try Int.fetchOne(db, sql: "SELECT count(*) FROM documents") ?? 0
      guard docs == 0 else {
        throw EmbeddingError.invalidArgument(
          "\(path) was built without an encoder (BM25 only); it cannot take vectors of \(describe(given)). Use a new index file"
        )
      }
      let json = String(decoding: try JSONEncoder().encode(given), as: UTF8.self)
      try IndexSchema.setMeta(db, "encoder", json)
    }
  }

  static func json(_ metadata: [String: String]) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(metadata) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  /// UTF-8 byte ranges of the words of `text`, for chunking when there is no encoder.
  static func wordSpans(_ text: String) -> [Range<Int>] {
    var spans: [Range<Int>] = []
    var start: Int?
    var offset = 0
    for scalar in text.unicodeScalars {
      let width = UTF8.width(scalar)
      let isSpace = scalar.properties.isWhitespace
      if isSpace, let s = start {
        spans.append(s..<offset)
        start = nil
      } else if !isSpace && start == nil {
        start = offset
      }
      offset += width
    }
    if let s = start { spans.append(s..<offset) }
    return spans
  }
}
