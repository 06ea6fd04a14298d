import EmbeddingCore
import Foundation
import GRDB

/// The SQLite layout of an index file, version 1.
///
/// ```
/// meta(key, value)                       format_version, encoder (JSON), chunk_tokens, chunk_overlap,
///                                        generation (bumped by every committed batch)
/// documents(rowid, id UNIQUE, title, text, metadata JSON, content_hash, length)
/// chunks(rowid, doc → documents.rowid, ordinal, start, end, hash, vector BLOB at meta.vector_precision:
///                                        float32 LE unless set, see VectorCodec; int8_calibration in meta)
/// documents_fts       FTS5 over title + "\n" + text (contentless, unicode61), rowid = documents.rowid
/// documents_fts_row   fts5vocab 'row'      (term, doc, cnt): document frequency per term
/// documents_fts_inst  fts5vocab 'instance' (term, doc, col, offset): term frequency per document
/// ```
enum IndexSchema {
  /// The version written by this code; other versions are refused.
  static let formatVersion = 1

  /// Creates the tables in an empty database.
  static func create(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents(
          rowid INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          title TEXT NOT NULL,
          text TEXT NOT NULL,
          metadata TEXT NOT NULL DEFAULT '{}',
          content_hash TEXT NOT NULL,
          length INTEGER NOT NULL);
        CREATE TABLE chunks(
          rowid INTEGER PRIMARY KEY,
          doc INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
          ordinal INTEGER NOT NULL,
          start INTEGER NOT NULL,
          "end" INTEGER NOT NULL,
          hash TEXT NOT NULL,
          vector BLOB);
        CREATE INDEX chunks_doc ON chunks(doc, ordinal);
        CREATE VIRTUAL TABLE documents_fts USING fts5(
          body, content='', tokenize='unicode61 remove_diacritics 0');
        CREATE VIRTUAL TABLE documents_fts_row USING fts5vocab(documents_fts, 'row');
        CREATE VIRTUAL TABLE documents_fts_inst USING fts5vocab(documents_fts, 'instance');
        """)
    try setMeta(db, "format_version", String(formatVersion))
    try setMeta(db, "generation", "0")
  }

  /// Reads one meta value.
  static func meta(_ db: Database, _ key: String) throws -> String? {
    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
  }

  /// Writes one meta value.
  static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
    try db.execute(
      sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
      arguments: [key, value, value])
  }

  /// Increments the generation counter (caches of vectors and lengths compare it).
  static func bumpGeneration(_ db: Database) throws {
    try db.execute(
      sql: "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
  }

  /// The generation counter.
  static func generation(_ db: Database) throws -> Int {
    try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'")
      ?? 0
  }
}
