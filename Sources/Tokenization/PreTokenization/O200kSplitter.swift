/// o200k_base pre-tokenization (alternatives in order).
///
/// ```
/// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// \p{N}{1,3}
///  ?[^\s\p{L}\p{N}]+[\r\n/]*
/// \s*[\r\n]+
/// \s+(?!\S)
/// \s+
/// ```
/// These quantifiers are not possessive, so the state machine reproduces the regex's
/// backtracking: in the first alternative an upper-case run gives back scalars until a
/// "lowerish" one (Ll, Lm, Lo or a mark) can end the word.
enum O200kSplitter: PieceSplitter {
  @inline(__always)
  static func pieceEnd(
    _ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int {
    if let fast = asciiWordEnd(bytes, start, end, table) { return fast }
    let first = bytes[start]
    let (flags, length) = classAt(bytes, start, end, table)
    let next = start + length
    let letterOrNumber = ScalarClass.letter | ScalarClass.number
    let canPrefix = flags & letterOrNumber == 0 && first != 0x0A && first != 0x0D
    // Alternative 1, with then without the one-scalar prefix.
    if canPrefix && next < end, let word = casedWord(bytes, from: next, end, table) {
      return word + ScanRuns.contraction(bytes, at: word, end, caseInsensitive: true)
    }
    if flags & (ScalarClass.letter | ScalarClass.mark) != 0,
      let word = casedWord(bytes, from: start, end, table)
    {
      return word + ScanRuns.contraction(bytes, at: word, end, caseInsensitive: true)
    }
    // Alternative 2 (only reached when every scalar of the upper run is Lu or Lt).
    if canPrefix && next < end {
      let (nextFlags, nextLength) = classAt(bytes, next, end, table)
      if nextFlags & ScalarClass.upperish != 0 {
        let word = ScanRuns.run(
          bytes, from: next + nextLength, end, table, anyOf: ScalarClass.upperish)
        return word + ScanRuns.contraction(bytes, at: word, end, caseInsensitive: true)
      }
    }
    if flags & ScalarClass.upperish != 0 {
      let word = ScanRuns.run(bytes, from: next, end, table, anyOf: ScalarClass.upperish)
      return word + ScanRuns.contraction(bytes, at: word, end, caseInsensitive: true)
    }
    if flags & ScalarClass.number != 0 {
      return ScanRuns.numbers(bytes, from: next, end, table, limit: 2)
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    if first == 0x20 && next < end {
      let (nextFlags, nextLength) = classAt(bytes, next, end, table)
      if nextFlags & ScalarClass.wordOrSpace == 0 {
        let run = ScanRuns.otherRun(bytes, from: next + nextLength, end, table)
        return newlinesOrSlashes(bytes, from: run, end)
      }
    }
    if flags & ScalarClass.wordOrSpace == 0 {
      return newlinesOrSlashes(bytes, from: ScanRuns.otherRun(bytes, from: next, end, table), end)
    }
    return ScanRuns.whitespace(
      bytes, from: start, end, table, newlineRule: true, newlineRuleFirst: true)
  }

  /// The common case on ASCII text, decided without the general machinery: an optional one-byte
  /// prefix (ASCII, not a letter, digit, CR or LF), then `[A-Z]*[a-z]+` or `[A-Z]+`, then an
  /// optional contraction.
  ///
  /// Returns nil whenever a non-ASCII byte could change the answer, so the general path decides
  /// those.
  @inline(__always)
  static func asciiWordEnd(
    _ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int? {
    let first = bytes[start]
    guard first < 0x80 else { return nil }
    var s = start
    if table[Int(first)] & (ScalarClass.letter | ScalarClass.number) == 0 {
      guard first != 0x0A && first != 0x0D && start + 1 < end else { return nil }
      s = start + 1
    }
    var i = s
    while i < end && bytes[i] &- 0x41 < 26 { i += 1 }  // A-Z
    let upperEnd = i
    if i < end && bytes[i] &- 0x61 < 26 {  // a-z
      i = lowercaseRunEnd(bytes, from: i + 1, end)
      if i < end && bytes[i] >= 0x80 { return nil }
      return i + ScanRuns.contraction(bytes, at: i, end, caseInsensitive: true)
    }
    guard upperEnd > s, upperEnd == end || bytes[upperEnd] < 0x80 else { return nil }
    return upperEnd + ScanRuns.contraction(bytes, at: upperEnd, end, caseInsensitive: true)
  }

  /// The end of the run of ASCII `a-z` from `index`, eight bytes at a time while eight remain.
  @inline(__always)
  static func lowercaseRunEnd(_ bytes: UnsafePointer<UInt8>, from index: Int, _ end: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    var i = index
    while i + 8 <= end {
      let x = UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self).littleEndian
      // Per byte (no carries between bytes): the high bit of `atLeastA` is set when the low
      // seven bits are ≥ 0x61, that of `beyondZ` when they are ≥ 0x7B; ASCII needs x < 0x80.
      let low = x & ~high
      let atLeastA = low &+ (0x80 - 0x61) &* ones
      let beyondZ = low &+ (0x80 - 0x7B) &* ones
      let notLower = ~(atLeastA & ~beyondZ & ~x) & high
      if notLower != 0 { return i + notLower.trailingZeroBitCount >> 3 }
      i += 8
    }
    while i < end && bytes[i] &- 0x61 < 26 { i += 1 }
    return i
  }

  /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` at `index` with the regex's
  /// backtracking: the end of the match, or nil if there is none.
  @inline(__always)
  static func casedWord(
    _ bytes: UnsafePointer<UInt8>, from index: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int? {
    var i = index
    var afterLastLowerish = -1
    while i < end {
      let (flags, length) = classAt(bytes, i, end, table)
      if flags & ScalarClass.upperish == 0 {
        if flags & ScalarClass.lowerish != 0 {
          return ScanRuns.run(bytes, from: i + length, end, table, anyOf: ScalarClass.lowerish)
        }
        break
      }
      i += length
      if flags & ScalarClass.lowerish != 0 { afterLastLowerish = i }
    }
    return afterLastLowerish >= 0 ? afterLastLowerish : nil
  }

  /// `[\r\n/]*`.
  @inline(__always)
  static func newlinesOrSlashes(_ bytes: UnsafePointer<UInt8>, from index: Int, _ end: Int) -> Int {
    var i = index
    while i < end && (bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x2F) { i += 1 }
    return i
  }
}
