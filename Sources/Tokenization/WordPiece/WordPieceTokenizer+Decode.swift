// decode: IDs back to text, as HF's WordPiece decoder with cleanup.

extension WordPieceTokenizer {
  /// The text of `ids`, as HF `decode(ids, skip_special_tokens=True)`.
  ///
  /// Special tokens are skipped; a piece starting with `##` (after the first) joins the
  /// previous one, the others are separated by a space; then HF's cleanup (`" ."` → `"."`,
  /// `" n't"` → `"n't"`…) runs on each piece. Unknown IDs are skipped.
  ///
  /// ```swift
  /// tokenizer.decode([101, 7592, 1010, 2088, 999, 102])  // "hello, world!"
  /// ```
  /// - Complexity: O(output length).
  public func decode(_ ids: [Int32]) -> String {
    // Byte-level work throughout: a "##" followed by a combining mark is not a Character
    // prefix "##", but HF (Rust &str) sees the prefix.
    let prefix = Array(options.continuingSubwordPrefix.utf8)
    var output: [UInt8] = []
    var index = 0
    for id in ids {
      guard !specialIDs.contains(id), let token = token(of: id) else { continue }
      var piece = Array(token.utf8)
      if index != 0 {
        if !prefix.isEmpty && piece.starts(with: prefix) {
          piece.removeFirst(prefix.count)
        } else {
          piece.insert(0x20, at: 0)
        }
      }
      output += Self.cleanup(piece)
      index += 1
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// HF's cleanup replacements, applied in this order to each decoded piece.
  private static let cleanups: [([UInt8], [UInt8])] = [
    (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
    (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
  ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

  /// HF's `cleanup` of a decoded piece (tokenization spaces before punctuation and clitics).
  static func cleanup(_ piece: [UInt8]) -> [UInt8] {
    guard piece.contains(0x20) else { return piece }
    var s = piece
    for (dirty, clean) in cleanups { s = replacing(dirty, with: clean, in: s) }
    return s
  }

  /// Every non-overlapping occurrence of `dirty` in `bytes`, left to right, replaced.
  private static func replacing(_ dirty: [UInt8], with clean: [UInt8], in bytes: [UInt8])
    -> [UInt8]
  {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
      if i + dirty.count <= bytes.count && bytes[i..<(i + dirty.count)].elementsEqual(dirty) {
        out += clean
        i += dirty.count
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return out
  }
}
