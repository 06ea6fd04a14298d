// SHA-256 checks of OpenAI's vocabulary files when a named encoding loads one.
import Crypto
import EmbeddingCore

/// The SHA-256 of each named encoding's `.tiktoken` file (decompressed), as tiktoken 0.14
/// expects it and `Resources/SOURCES.md` lists it, and the check run when the file loads.
///
/// A named encoding is one exact vocabulary: a file with other bytes is damaged or another
/// vocabulary, and would give wrong IDs without any error.
enum VocabularyHash {
  /// The expected hash, lower-case hex.
  static func expected(for name: EncodingName) -> String {
    switch name {
    case .gpt2, .r50k_base: "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"
    case .cl100k_base: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
    case .o200k_base: "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
    }
  }

  /// SHA-256 of `bytes`, lower-case hex (swift-crypto).
  static func sha256(_ bytes: [UInt8]) -> String {
    let hexDigits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in SHA256.hash(data: bytes) {
      text.append(hexDigits[Int(byte >> 4)])
      text.append(hexDigits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// Checks the decompressed bytes of `name`'s vocabulary file.
  ///
  /// - Throws: `EmbeddingError.malformed` with both hashes and the remedies.
  static func verify(_ contents: [UInt8], name: EncodingName, path: String) throws {
    let actual = sha256(contents)
    let expected = expected(for: name)
    guard actual == expected else {
      throw EmbeddingError.malformed(
        path: path, location: "SHA-256 of the decompressed file",
        reason: "\(actual) is not \(name.rawValue)'s (\(expected), tiktoken's expected hash): "
          + "the file is damaged or holds another vocabulary; replace it with OpenAI's file, "
          + "remove it to use the copy shipped with EmbeddingKit, or load a vocabulary of your "
          + "own with BytePairEncoder.load(tiktokenFile:preTokenizer:)")
    }
  }
}
