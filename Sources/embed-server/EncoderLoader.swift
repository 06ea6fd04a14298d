import EmbeddingCore

/// Opens the encoder a model folder holds.
enum EncoderLoader {
  /// The encoder in `directory`.
  ///
  /// - Throws: `EmbeddingError` naming the folder and what is missing.
  static func load(directory: String) throws -> any TextEncoder {
    throw EmbeddingError.invalidArgument(
      "\(directory): this build of embed-server has no transformer encoder yet (SentenceEmbeddings)"
    )
  }
}
