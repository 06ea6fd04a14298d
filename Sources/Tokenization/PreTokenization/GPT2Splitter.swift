/// GPT-2 / r50k_base pre-tokenization.
///
/// ```
/// '(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s
/// ```
///
/// Contractions are lower case only; a single space (U+0020) may prefix a run of letters,
/// numbers or other symbols; a whitespace run gives back its last scalar to the next piece
/// unless it ends the text.
enum GPT2Splitter: PieceSplitter {
  @inline(__always)
  static func pieceEnd(
    _ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int {
    let first = bytes[start]
    if first == 0x27 {
      let n = ScanRuns.contraction(bytes, at: start, end, caseInsensitive: false)
      if n > 0 { return start + n }
    }
    var (flags, length) = classAt(bytes, start, end, table)
    var body = start
    if first == 0x20 && start + 1 < end {
      let next = classAt(bytes, start + 1, end, table)
      if next.flags & ScalarClass.space == 0 {
        body = start + 1
        (flags, length) = next
      }
    }
    if flags & ScalarClass.letter != 0 {
      return ScanRuns.run(bytes, from: body + length, end, table, anyOf: ScalarClass.letter)
    }
    if flags & ScalarClass.number != 0 {
      return ScanRuns.run(bytes, from: body + length, end, table, anyOf: ScalarClass.number)
    }
    if flags & ScalarClass.space == 0 {
      return ScanRuns.otherRun(bytes, from: body + length, end, table)
    }
    return ScanRuns.whitespace(
      bytes, from: start, end, table, newlineRule: false, newlineRuleFirst: false)
  }
}
