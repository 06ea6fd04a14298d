/// cl100k_base pre-tokenization.
///
/// ```
/// '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|
/// \s++$|\s*[\r\n]|\s+(?!\S)|\s
/// ```
///
/// Contractions in any case; any one scalar but CR, LF, letters and numbers may prefix a
/// run of letters; numbers go in groups of up to three; symbol runs keep the newlines after
/// them; a whitespace run ending in newlines keeps them.
enum CL100kSplitter: PieceSplitter {
  @inline(__always)
  static func pieceEnd(
    _ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int {
    let first = bytes[start]
    if first == 0x27 {
      let n = ScanRuns.contraction(bytes, at: start, end, caseInsensitive: true)
      if n > 0 { return start + n }
    }
    let (flags, length) = classAt(bytes, start, end, table)
    if flags & ScalarClass.letter != 0 {
      return ScanRuns.run(bytes, from: start + length, end, table, anyOf: ScalarClass.letter)
    }
    if flags & ScalarClass.number != 0 {
      return ScanRuns.numbers(bytes, from: start + length, end, table, limit: 2)
    }
    // `[^\r\n\p{L}\p{N}]?+\p{L}++`: one prefix scalar, then letters.
    let next = start + length
    if first != 0x0A && first != 0x0D && next < end {
      let (nextFlags, nextLength) = classAt(bytes, next, end, table)
      if nextFlags & ScalarClass.letter != 0 {
        return ScanRuns.run(
          bytes, from: next + nextLength, end, table, anyOf: ScalarClass.letter)
      }
      // ` ?[^\s\p{L}\p{N}]++[\r\n]*+` with the optional space.
      if first == 0x20 && nextFlags & ScalarClass.wordOrSpace == 0 {
        return newlines(bytes, from: ScanRuns.otherRun(bytes, from: next, end, table), end)
      }
    }
    if flags & ScalarClass.space == 0 {
      return newlines(bytes, from: ScanRuns.otherRun(bytes, from: next, end, table), end)
    }
    return ScanRuns.whitespace(
      bytes, from: start, end, table, newlineRule: true, newlineRuleFirst: false)
  }

  /// `[\r\n]*`.
  @inline(__always)
  static func newlines(_ bytes: UnsafePointer<UInt8>, from index: Int, _ end: Int) -> Int {
    var i = index
    while i < end && (bytes[i] == 0x0A || bytes[i] == 0x0D) { i += 1 }
    return i
  }
}
