import EmbeddingCore
import Foundation
import GRDB

extension RetrievalIndex {
  /// The precision chunk vectors are stored at (`.float32` unless set before the first vectors).
  public var precision: VectorPrecision {
    get throws(EmbeddingError) { try read { db in try Self.precision(db, path: path) } }
  }

  /// Sets the precision of stored vectors; recorded in the index (`meta.vector_precision`).
  ///
  /// Only while the index holds no vectors, or to the precision it already has: vectors are not
  /// re-encoded. int8 calibrates its per-dimension ranges on the first batch added.
  public func setPrecision(_ precision: VectorPrecision) throws(EmbeddingError) {
    let path = self.path
    try write { db in
      let current = try Self.precision(db, path: path)
      guard current != precision else { return }
      let vectors =
        try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks WHERE vector IS NOT NULL") ?? 0
      guard vectors == 0 else {
        throw EmbeddingError.invalidArgument(
          "\(path) stores its \(vectors) vectors as \(current.rawValue); the precision is chosen before the first vectors (use a new index for \(precision.rawValue))"
        )
      }
      try IndexSchema.setMeta(db, "vector_precision", precision.rawValue)
      try db.execute(sql: "DELETE FROM meta WHERE key = 'int8_calibration'")
    }
  }

  static func precision(_ db: Database, path: String) throws -> VectorPrecision {
    guard let name = try IndexSchema.meta(db, "vector_precision") else { return .float32 }
    guard let p = VectorPrecision(rawValue: name) else {
      throw EmbeddingError.malformed(
        path: path, location: "meta.vector_precision",
        reason:
          "unknown precision '\(name)'; this EmbeddingKit reads float32, float16, int8, binary"
      )
    }
    return p
  }

  /// The codec of the stored vectors; nil for int8 before its calibration (the first batch).
  static func codec(_ db: Database, dimension: Int, path: String) throws -> VectorCodec? {
    let precision = try precision(db, path: path)
    guard precision == .int8 else { return VectorCodec(precision: precision) }
    guard
      let text = try IndexSchema.meta(db, "int8_calibration")
    else { return nil }
    guard let data = Data(base64Encoded: text),
      let codec = VectorCodec.int8(calibration: data, dimension: dimension)
    else {
      throw EmbeddingError.malformed(
        path: path, location: "meta.int8_calibration",
        reason: "not \(dimension) offsets and scales; rebuild the index")
    }
    return codec
  }

  /// Records a new int8 calibration, refusing when another writer recorded one first.
  static func recordCalibration(_ db: Database, _ codec: VectorCodec, path: String) throws {
    guard try IndexSchema.meta(db, "int8_calibration") == nil else {
      throw EmbeddingError.io(
        path: path,
        reason: "another writer calibrated the int8 vectors meanwhile; run the command again")
    }
    try IndexSchema.setMeta(db, "int8_calibration", codec.calibrationData.base64EncodedString())
  }
}
