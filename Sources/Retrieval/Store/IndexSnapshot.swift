import EmbeddingCore
import Foundation
import GRDB

/// What search keeps in memory between queries: document lengths for BM25 and the chunk vectors for
/// dense search, valid for one `generation` of the index.
///
/// ```
/// documents: docRowids [D] (ascending), lengths [D] (BM25 terms per document)
/// vectors:   [V × dimension] rows decoded to float; vectorDoc [V] (document index), vectorOrdinal [V]
/// codes:     binary precision only, [V × ⌈dimension/64⌉] UInt64 sign bits
/// ```
final class IndexSnapshot: @unchecked Sendable {
  let generation: Int
  let docRowids: [Int64]
  let docIndex: [Int64: Int32]
  let lengths: [Float]
  let averageLength: Double
  let vectors: Matrix?
  let vectorDoc: [Int32]
  let vectorOrdinal: [Int32]
  /// The stored precision.
  private(set) var precision = VectorPrecision.float32
  /// Sign bits of every vector, [V × codeWords], for binary precision.
  private(set) var codes: [UInt64]?
  var codeWords: Int { ((vectors?.columns ?? 0) + 63) / 64 }
  /// The HNSW graph over `vectors`, when one was built for this generation.
  private(set) var graph: HNSWGraph?
  /// Serialises graph searches (a graph holds one visited-set).
  let graphLock = NSLock()

  var hasVectors: Bool { vectors != nil }
  var documentCount: Int { docRowids.count }

  private init(
    generation: Int, docRowids: [Int64], lengths: [Float], vectors: Matrix?, vectorDoc: [Int32],
    vectorOrdinal: [Int32]
  ) {
    self.generation = generation
    self.docRowids = docRowids
    var index: [Int64: Int32] = [:]
    index.reserveCapacity(docRowids.count)
    for (i, r) in docRowids.enumerated() { index[r] = Int32(i) }
    self.docIndex = index
    self.lengths = lengths
    let total = lengths.reduce(0.0) { $0 + Double($1) }
    self.averageLength = lengths.isEmpty ? 1 : max(1e-9, total / Double(lengths.count))
    self.vectors = vectors
    self.vectorDoc = vectorDoc
    self.vectorOrdinal = vectorOrdinal
  }

  /// Loads lengths, and the vectors when `dimension > 0`.
  static func load(_ db: Database, generation: Int, dimension: Int, path: String) throws
    -> IndexSnapshot
  {
    var rowids: [Int64] = []
    var lengths: [Float] = []
    let cursor = try Row.fetchCursor(db, sql: "SELECT rowid, length FROM documents ORDER BY rowid")
    while let row = try cursor.next() {
      rowids.append(row[0])
      lengths.append(Float(row[1] as Int))
    }
    guard dimension > 0 else {
      return IndexSnapshot(
        generation: generation, docRowids: rowids, lengths: lengths, vectors: nil, vectorDoc: [],
        vectorOrdinal: [])
    }
    var docIndex: [Int64: Int32] = [:]
    for (i, r) in rowids.enumerated() { docIndex[r] = Int32(i) }
    let count =
      try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks WHERE vector IS NOT NULL") ?? 0
    let matrix = Matrix(rows: count, columns: dimension)
    let stored = try RetrievalIndex.codec(db, dimension: dimension, path: path)
    guard let codec = stored ?? (count == 0 ? VectorCodec.float32 : nil) else {
      throw EmbeddingError.malformed(
        path: path, location: "meta.int8_calibration",
        reason: "int8 vectors without their calibration; rebuild the index")
    }
    let words = (dimension + 63) / 64
    var codes: [UInt64] =
      codec.precision == .binary ? .init(repeating: 0, count: count * words) : []
    var vectorDoc: [Int32] = []
    var vectorOrdinal: [Int32] = []
    vectorDoc.reserveCapacity(count)
    vectorOrdinal.reserveCapacity(count)
    let chunks = try Row.fetchCursor(
      db,
      sql: "SELECT doc, ordinal, vector FROM chunks WHERE vector IS NOT NULL ORDER BY doc, ordinal")
    var r = 0
    while let row = try chunks.next(), r < count {
      let blob: Data = row[2]
      guard codec.decode(blob, into: matrix.rowPointer(r), count: dimension) else {
        throw EmbeddingError.malformed(
          path: path, location: "chunks",
          reason:
            "a stored vector has \(blob.count) bytes; \(codec.precision.rawValue) vectors of dimension \(dimension) have \(codec.precision.bytes(dimension: dimension)). Rebuild the index with one encoder"
        )
      }
      if codec.precision == .binary {
        codes.withUnsafeMutableBufferPointer { c in
          if let base = c.baseAddress {
            _ = codec.bits(blob, count: dimension, into: base + r * words)
          }
        }
      }
      vectorDoc.append(docIndex[row[0] as Int64] ?? 0)
      vectorOrdinal.append(Int32(row[1] as Int))
      r += 1
    }
    let snapshot = IndexSnapshot(
      generation: generation, docRowids: rowids, lengths: lengths, vectors: matrix,
      vectorDoc: vectorDoc, vectorOrdinal: vectorOrdinal)
    snapshot.precision = codec.precision
    if codec.precision == .binary { snapshot.codes = codes }
    if try db.tableExists("ann"),
      let blob = try Data.fetchOne(
        db, sql: "SELECT data FROM ann WHERE name = 'hnsw' AND generation = ?",
        arguments: [generation])
    {
      snapshot.graph = HNSWGraph.deserialize(blob, vectors: matrix)
      // Walk in float16, re-score in float32: the same recall at every beam, 1.1–1.4x the queries/s
      // on SciFact and 100k vectors and 1.1–1.35x at 1M on a quiet machine (BENCHMARKS.md), for 2
      // bytes per value.
      snapshot.graph?.addHalfPrecisionCopy()
    }
    return snapshot
  }
}
