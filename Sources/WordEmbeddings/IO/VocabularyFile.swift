import EmbeddingCore
import Foundation

/// Reads and writes vocabulary files.
///
/// The vocabulary file beside a `.npy` matrix (or a safetensors file without words in its
/// metadata): one word per line, optionally followed by a space and its count
/// (`the 1061396`), in row order. This is what gensim's `save_word2vec_format(fvocab=…)` writes.
enum VocabularyFile {
  /// The conventional vocabulary path for a matrix file: `vectors.npy` → `vectors.vocab`.
  static func defaultPath(for matrixPath: String) -> String {
    let url = URL(fileURLWithPath: matrixPath)
    return url.deletingPathExtension().appendingPathExtension("vocab").path
  }

  /// Reads words (and counts, if every line has one).
  static func read(path: String) throws -> (words: [String], counts: [Int]) {
    guard FileManager.default.fileExists(atPath: path) else {
      throw EmbeddingError.io(
        path: path,
        reason: "vocabulary file not found (a matrix file needs one word per line beside it; "
          + "pass its path with vocabularyPath / --vocabulary)")
    }
    let file = try FileBytes(path: path)
    var words: [String] = []
    var counts: [Int] = []
    var allCounted = true
    let p = file.bytes.bindMemory(to: UInt8.self)
    var start = 0
    var line = 1
    while start < p.count {
      var end = start
      while end < p.count && p[end] != UInt8(ascii: "\n") { end += 1 }
      var stop = end
      if stop > start && p[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
      if stop > start {
        var wordEnd = stop
        var count: Int? = nil
        if let space = (start..<stop).last(where: { p[$0] == UInt8(ascii: " ") }) {
          let digits = p[(space + 1)..<stop]
          if !digits.isEmpty && digits.allSatisfy({ $0 &- 48 < 10 }) {
            count = Int(String(decoding: digits, as: UTF8.self))
            wordEnd = space
          }
        }
        var replaced = false
        guard
          let word = RowAssembly.decodeWord(
            UnsafeRawBufferPointer(rebasing: file.bytes[start..<wordEnd]), policy: .reject,
            replaced: &replaced)
        else {
          throw EmbeddingError.malformed(
            path: path, location: "line \(line)", reason: "word is not valid UTF-8")
        }
        words.append(word)
        if let count { counts.append(count) } else { allCounted = false }
      }
      start = end + 1
      line += 1
    }
    return (words, allCounted ? counts : [])
  }

  /// Writes one word per line, with its count when known.
  static func write(_ vectors: WordVectors, to path: String) throws {
    let counts = vectors.counts
    try AtomicFile.write(to: path) { out in
      var text: [UInt8] = []
      for (row, word) in vectors.words.enumerated() {
        text.append(contentsOf: word.utf8)
        if !counts.isEmpty { text.append(contentsOf: " \(counts[row])".utf8) }
        text.append(UInt8(ascii: "\n"))
        if text.count > 1 << 20 {
          try out.write(text)
          text.removeAll(keepingCapacity: true)
        }
      }
      try out.write(text)
    }
  }
}
