import EmbeddingKit
import Foundation

/// Reads a text file (plain, .gz or .xz; "-" = stdin), optionally only its first bytes, and
/// encodes it with a tiktoken-compatible encoding, allowing special tokens as the book does
/// (`allowed_special={"<|endoftext|>"}`).
struct TextTokenIDs {
  let encoder: BytePairEncoder
  let ids: [Int]
  let bytes: Int

  init(path: String, encoding: String, maxBytes: Int?) throws {
    guard let name = EncodingName(rawValue: encoding) else {
      throw EmbeddingError.invalidArgument(
        "unknown encoding '\(encoding)'; choose gpt2, r50k_base, cl100k_base or o200k_base")
    }
    encoder = try BytePairEncoder.named(name)
    var data = try Self.read(path: path, maxBytes: maxBytes)
    if let maxBytes, data.count >= maxBytes, let cut = data.lastIndex(of: 0x0A) {
      data.removeSubrange((cut + 1)...)  // whole lines only: no word or UTF-8 sequence cut
    }
    bytes = data.count
    ids = try encoder.encode(String(decoding: data, as: UTF8.self), allowedSpecial: .all)
  }

  private static func read(path: String, maxBytes: Int?) throws -> [UInt8] {
    guard let maxBytes else { return try ByteStream.readAll(path: path) }
    let stream = try ByteStream(path: path)
    var result = [UInt8](repeating: 0, count: maxBytes)
    var filled = 0
    while filled < maxBytes {
      let n = try result.withUnsafeMutableBytes { raw in
        try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
      }
      if n == 0 { break }
      filled += n
    }
    result.removeSubrange(filled...)
    return result
  }

  /// The token's text (lossy for partial UTF-8), for example " the", for matching word vectors.
  func text(of id: Int) -> String? {
    (try? encoder.tokenBytes(id)).map { String(decoding: $0, as: UTF8.self) }
  }

  /// GPT-2's whitespace-free spelling of the token ("Ġthe"), for saving vectors.
  func spelling(of id: Int) -> String? {
    (try? encoder.tokenBytes(id)).map { GPT2ByteSpelling.spell($0) }
  }
}

/// Formats floats like PyTorch prints them (4 decimals).
func formatValues(_ values: [Float]) -> String {
  "[" + values.map { String(format: "%.4f", $0) }.joined(separator: ", ") + "]"
}
