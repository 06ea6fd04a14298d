import EmbeddingCore

// Formats still being written (issue 4); these throw until their file lands.
enum NumpyFormat {
  static func read(_ file: FileBytes, options: VectorLoadOptions) throws -> WordVectors {
    throw EmbeddingError.invalidArgument(".npy reading is not implemented yet")
  }
  static func write(_ v: WordVectors, to path: String) throws {
    throw EmbeddingError.invalidArgument(".npy writing is not implemented yet")
  }
}
enum SafetensorsFormat {
  static func read(_ file: FileBytes, options: VectorLoadOptions) throws -> WordVectors {
    throw EmbeddingError.invalidArgument("safetensors reading is not implemented yet")
  }
  static func write(_ v: WordVectors, to path: String) throws {
    throw EmbeddingError.invalidArgument("safetensors writing is not implemented yet")
  }
}
enum NativeFormat {
  static func hasMagic(_ b: UnsafeRawBufferPointer) -> Bool { false }
  static func read(path: String, options: VectorLoadOptions) throws -> WordVectors {
    throw EmbeddingError.invalidArgument("native format reading is not implemented yet")
  }
  static func write(_ v: WordVectors, to path: String) throws {
    throw EmbeddingError.invalidArgument("native format writing is not implemented yet")
  }
}
