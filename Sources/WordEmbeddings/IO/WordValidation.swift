import EmbeddingCore

/// Checks that words can be written to formats that separate fields with spaces.
enum WordValidation {
  /// Throws if a word is empty or contains a space, tab or newline (it would not read back).
  static func requireSingleTokens(_ vectors: WordVectors) throws {
    for (row, word) in vectors.words.enumerated() {
      if word.isEmpty
        || word.utf8.contains(where: {
          $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t")
        })
      {
        throw EmbeddingError.invalidArgument(
          "word \(row + 1) '\(word)' is empty or contains whitespace, which this format "
            + "cannot store; use the native, .npy or safetensors format")
      }
    }
  }
}
