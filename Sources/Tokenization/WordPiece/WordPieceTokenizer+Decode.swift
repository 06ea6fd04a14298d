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
    let prefix = options.continuingSubwordPrefix
    var output = ""
    var index = 0
    for id in ids {
      guard !specialIDs.contains(id), let token = token(of: id) else { continue }
      var piece: String
      if index != 0 {
        if !prefix.isEmpty && token.hasPrefix(prefix) {
          piece = String(token.dropFirst(prefix.count))
        } else {
          piece = " " + token
        }
      } else {
        piece = token
      }
      piece = Self.cleanup(piece)
      output += piece
      index += 1
    }
    return output
  }

  /// HF's `cleanup` of a decoded piece (tokenization spaces before punctuation and clitics).
  static func cleanup(_ piece: String) -> String {
    guard piece.hasPrefix(" ") || piece.contains(" ") else { return piece }
    var s = piece
    for (dirty, clean) in [
      (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
      (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ] {
      s = s.replacing(dirty, with: clean)
    }
    return s
  }
}
