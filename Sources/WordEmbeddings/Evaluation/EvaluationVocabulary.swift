/// The vocabulary an evaluation may use: the first `restrict` words, keyed upper-case when
/// case-insensitive, the most frequent spelling winning (gensim's `ok_vocab`).
struct EvaluationVocabulary {
  let rows: [String: Int]
  let caseInsensitive: Bool

  init(_ vectors: WordVectors, restrict: Int, caseInsensitive: Bool) {
    self.caseInsensitive = caseInsensitive
    let n = min(max(restrict, 0), vectors.count)
    var rows = [String: Int](minimumCapacity: n)
    let words = vectors.words
    for r in 0..<n {
      let key = caseInsensitive ? words[r].uppercased() : words[r]
      if rows[key] == nil { rows[key] = r }
    }
    self.rows = rows
  }

  /// The key a word from a test file is looked up by.
  func key(_ word: Substring) -> String { caseInsensitive ? word.uppercased() : String(word) }
}

/// Text lines of a small file (evaluation sets), split on "\n" with the newline removed.
enum EvaluationFile {
  static func lines(path: String) throws -> [Substring] {
    let file = try FileBytes(path: path)
    var replaced = false
    guard let text = RowAssembly.decodeWord(file.bytes, policy: .reject, replaced: &replaced) else {
      throw EmbeddingCore.EmbeddingError.malformed(
        path: path, location: "byte 0", reason: "the file is not valid UTF-8")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    return lines
  }
}

import EmbeddingCore
