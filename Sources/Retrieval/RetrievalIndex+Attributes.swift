import EmbeddingCore
import Foundation
import GRDB

extension RetrievalIndex {
  /// A free-form value stored in the index by its user (the CLI keeps how to load the encoder here).
  public func attribute(_ key: String) throws(EmbeddingError) -> String? {
    try read { db in try IndexSchema.meta(db, "attr." + key) }
  }

  /// Stores a free-form value in the index (one transaction).
  public func setAttribute(_ key: String, _ value: String) throws(EmbeddingError) {
    try write { db in try IndexSchema.setMeta(db, "attr." + key, value) }
  }
}
