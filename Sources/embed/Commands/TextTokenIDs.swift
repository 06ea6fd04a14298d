import EmbeddingKit
import Foundation

/// Reads a text file (plain, .gz or .xz; "-" = stdin), optionally only its first bytes, and
/// encodes it with a tiktoken-compatible encoding, allowing special tokens as the book does
/// (`allowed_special={"<|endoftext|>"}`).
struct TextTokenIDs {
  let encoder: BytePairEncoder
  let ids: [Int]
  let bytes: Int

  init(path: String, encoding: EncodingName, maxBytes: Int?) throws {
    encoder = try BytePairEncoder.named(encoding)
    var data = try Self.read(path: path, maxBytes: maxBytes.map { $0 == Int.max ? $0 : $0 + 1 })
    if let maxBytes, data.count > maxBytes {
      data.removeSubrange(Self.cutPoint(data, limit: maxBytes)...)
    }
    bytes = data.count
    ids = try encoder.encode(String(decoding: data, as: UTF8.self), allowedSpecial: .all)
  }

  /// Where to cut `data` so that at most `limit` bytes remain: after the last line break
  /// before the limit; in a line longer than that, after the last space or tab; in a word
  /// longer than that, at the last UTF-8 character boundary. Never mid-character.
  static func cutPoint(_ data: [UInt8], limit: Int) -> Int {
    let head = data[..<limit]
    if let newline = head.lastIndex(of: 0x0A) { return newline + 1 }
    if let space = head.lastIndex(where: { $0 == 0x20 || $0 == 0x09 }) { return space + 1 }
    var cut = limit
    while cut > 0 && data[cut] & 0xC0 == 0x80 { cut -= 1 }  // a continuation byte: step back
    return cut
  }

  /// The first `maxBytes` bytes (all of them when nil), read 1 MiB at a time so that a huge limit
  /// allocates only what the file holds.
  private static func read(path: String, maxBytes: Int?) throws -> [UInt8] {
    guard let maxBytes else { return try ByteStream.readAll(path: path) }
    let stream = try ByteStream(path: path)
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while result.count < maxBytes {
      let want = min(chunk.count, maxBytes - result.count)
      let n = try chunk.withUnsafeMutableBytes { raw in
        try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[..<want]))
      }
      if n == 0 { break }
      result.append(contentsOf: chunk[..<n])
    }
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
