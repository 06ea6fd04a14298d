import EmbeddingCore
import Foundation

/// Reads and writes `.tiktoken` rank files: one line per token, `<base64 bytes> <rank>`.
///
/// The format OpenAI publishes its vocabularies in and Python's `tiktoken.load.load_tiktoken_bpe`
/// reads. Files may be gzip- or xz-compressed (detected from their first bytes).
///
/// ```swift
/// let ranks = try TiktokenFile.read(path: "cl100k_base.tiktoken.gz")
/// try TiktokenFile.write(ranks, to: "copy.tiktoken")
/// ```
public enum TiktokenFile {
  /// Reads every `(token bytes, rank)` pair of a `.tiktoken` file, in file order.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the file and line of the first bad line
  ///   (no space, bad base64, bad rank, a token or rank given twice), or `.io`.
  /// - Complexity: O(file size).
  public static func read(path: String) throws -> [(bytes: [UInt8], rank: Int)] {
    try parse(contents(path: path), path: path)
  }

  /// The whole (decompressed) bytes of a `.tiktoken` file.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the first line a damaged `.gz`/`.xz` cut, or `.io`.
  static func contents(path: String) throws -> [UInt8] {
    let stream = try ByteStream(path: path)
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    do {
      while case let n = try stream.read(into: &chunk), n > 0 {
        contents.append(contentsOf: chunk[0..<n])
      }
    } catch EmbeddingError.malformed(_, let location, let reason) {
      // A cut or corrupt .gz/.xz: name the first line that could not be read.
      let complete = contents.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
      throw EmbeddingError.malformed(
        path: path, location: "line \(complete + 1)",
        reason: "\(reason) (\(location) of the compressed file, after \(complete) complete lines)")
    }
    return contents
  }

  /// Parses the bytes of a `.tiktoken` file (`path` is for error messages).
  public static func parse(_ contents: [UInt8], path: String) throws -> [(
    bytes: [UInt8], rank: Int
  )] {
    var result: [(bytes: [UInt8], rank: Int)] = []
    result.reserveCapacity(contents.count / 12)
    var seenRanks = Set<Int>()
    var lineNumber = 0
    var start = 0
    while start < contents.count {
      lineNumber += 1
      var end = start
      while end < contents.count && contents[end] != 0x0A { end += 1 }
      defer { start = end + 1 }
      var line = contents[start..<end]
      if line.last == 0x0D { line = line.dropLast() }
      if line.isEmpty { continue }
      let isUnterminatedLastLine = end == contents.count
      func fail(_ reason: String) -> EmbeddingError {
        .malformed(
          path: path, location: "line \(lineNumber)",
          reason: reason + (isUnterminatedLastLine ? " (the file looks truncated)" : ""))
      }
      guard let space = line.firstIndex(of: 0x20) else {
        throw fail(
          "expected '<base64 token> <rank>', found '\(preview(line))'")
      }
      let encoded = line[line.startIndex..<space]
      let rankText = line[(space + 1)...]
      guard let data = Data(base64Encoded: Data(encoded)), !data.isEmpty else {
        throw fail("invalid base64 token '\(preview(encoded))'")
      }
      guard !rankText.isEmpty, rankText.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
        throw fail("rank '\(preview(rankText))' is not a non-negative integer")
      }
      guard let rank = parseRank(rankText) else {
        throw fail(
          "rank \(preview(rankText)) is too large (at most \(maximumRank); a vocabulary "
            + "numbers its tokens 0, 1, 2, …)")
      }
      guard seenRanks.insert(rank).inserted else { throw fail("rank \(rank) is given twice") }
      result.append((Array(data), rank))
    }
    return result
  }

  /// Writes `(bytes, rank)` pairs sorted by rank, atomically (a reader never sees half a file).
  public static func write(_ ranks: [(bytes: [UInt8], rank: Int)], to path: String) throws {
    let sorted = ranks.sorted { $0.rank < $1.rank }
    var text = ""
    text.reserveCapacity(sorted.count * 16)
    for (bytes, rank) in sorted {
      text += Data(bytes).base64EncodedString()
      text += " \(rank)\n"
    }
    try AtomicFile.write(to: path) { try $0.write(text) }
  }

  /// The largest rank a file may give (2²⁴ - 1; the largest shipped vocabulary has 200,019).
  public static let maximumRank = (1 << 24) - 1

  /// The value of a string of decimal digits, or nil if it exceeds `maximumRank`.
  private static func parseRank(_ text: ArraySlice<UInt8>) -> Int? {
    var value = 0
    for c in text {
      value = value * 10 + Int(c - 0x30)
      if value > maximumRank { return nil }
    }
    return value
  }

  static func preview(_ bytes: ArraySlice<UInt8>) -> String {
    let text = String(decoding: bytes.prefix(40), as: UTF8.self)
    return bytes.count > 40 ? text + "…" : text
  }
}
