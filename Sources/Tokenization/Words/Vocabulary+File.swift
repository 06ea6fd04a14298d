import EmbeddingCore
import Foundation

extension Vocabulary {
  /// Loads a vocabulary file: UTF-8, one token per line, line N holds ID N − 1 (the layout of
  /// BERT's `vocab.txt`).
  ///
  /// Gzip/xz files are read transparently.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the file and line of an empty line, a token
  ///   given twice or invalid UTF-8; `.io` if the file cannot be read.
  public static func load(path: String) throws -> Vocabulary {
    let bytes = try ByteStream.readAll(path: path)
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    if lines.last?.isEmpty == true { lines.removeLast() }
    var tokens: [String] = []
    var seen: [String: Int] = [:]
    for (index, rawLine) in lines.enumerated() {
      let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
      func fail(_ reason: String) -> EmbeddingError {
        .malformed(path: path, location: "line \(index + 1)", reason: reason)
      }
      guard !line.isEmpty else { throw fail("empty line (every line must hold one token)") }
      guard let token = String(validating: line, as: UTF8.self) else {
        throw fail("not valid UTF-8")
      }
      if let first = seen.updateValue(index + 1, forKey: token) {
        throw fail("token '\(token)' already given on line \(first)")
      }
      tokens.append(token)
    }
    return try Vocabulary(tokens: tokens)
  }

  /// Writes the vocabulary in the format `load(path:)` reads, atomically.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if a token contains a line break.
  public func save(to path: String) throws {
    if let bad = tokens.first(where: { $0.contains("\n") || $0.contains("\r") }) {
      throw EmbeddingError.invalidArgument(
        "token '\(bad)' contains a line break and cannot be saved one per line")
    }
    try AtomicFile.write(to: path) { writer in
      try writer.write(tokens.joined(separator: "\n") + "\n")
    }
  }
}
