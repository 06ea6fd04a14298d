// The pre-tokenization patterns of the tiktoken encodings, as byte-level state machines.

/// How text is cut into pieces before byte-pair merging: one of the regular expressions
/// of the tiktoken encodings, implemented as a hand-written state machine over UTF-8 bytes
/// (for o200k, bit-parallel rules on 64-byte windows of plain ASCII first: `O200kCursor`).
///
/// ```swift
/// PreTokenizer.cl100k.split("Hello world!!")  // ["Hello", " world", "!!"]
/// ```
public enum PreTokenizer: String, CaseIterable, Sendable {
  /// GPT-2 / r50k_base: `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`
  case gpt2
  /// cl100k_base: case-insensitive contractions, one-char prefixes before letters,
  /// numbers in groups of at most 3, newlines kept with the whitespace before them.
  case cl100k
  /// o200k_base: like cl100k, plus words split at lower→upper case changes, marks kept with
  /// letters, and contractions attached to the word before them.
  case o200k

  /// Splits `text` into its pieces (for inspection and tests; encoders use the byte form).
  ///
  /// - Complexity: O(n) in the byte length of `text`.
  public func split(_ text: String) -> [String] {
    let bytes = Array(text.utf8)
    return split(bytes: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
  }

  /// The byte ranges of the pieces of `bytes`, in order, covering every byte exactly once.
  ///
  /// Invalid UTF-8 bytes count as punctuation, one byte each.
  ///
  /// - Complexity: O(n) in the byte count.
  public func split(bytes: [UInt8]) -> [Range<Int>] {
    switch self {
    case .gpt2: return Self.ranges(bytes, SplitterCursor<GPT2Splitter>.self)
    case .cl100k: return Self.ranges(bytes, SplitterCursor<CL100kSplitter>.self)
    case .o200k: return Self.ranges(bytes, O200kCursor.self)
    }
  }

  /// The pieces `Cursor` cuts (the cursor the encoder uses for this pattern).
  static func ranges<Cursor: PieceCursor>(_ bytes: [UInt8], _: Cursor.Type) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var cursor = Cursor(
        base, count: buffer.count, classes: UnsafePointer(ScalarClassTable.shared.classes))
      let ends = UnsafeMutablePointer<Int>.allocate(capacity: 256)
      defer { ends.deallocate() }
      var start = 0
      while start < buffer.count {
        let cut = cursor.fill(ends, capacity: 256, from: start)
        for k in 0..<cut {
          ranges.append(start..<ends[k])
          start = ends[k]
        }
      }
    }
    return ranges
  }

  @inline(__always)
  func pieceEnd(
    _ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int {
    switch self {
    case .gpt2: return GPT2Splitter.pieceEnd(bytes, start, end, table)
    case .cl100k: return CL100kSplitter.pieceEnd(bytes, start, end, table)
    case .o200k: return O200kSplitter.pieceEnd(bytes, start, end, table)
    }
  }
}

/// One pre-tokenization pattern: where the piece that starts at `start` ends.
///
/// Implementations must return a value in `start + 1 ... end` and look at no byte at or
/// after `end`. Generic code specialises on the conforming type, so the per-piece call is direct.
protocol PieceSplitter {
  static func pieceEnd(
    _ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int
}

/// Building blocks shared by the three patterns.
enum ScanRuns {
  /// The end of the run of scalars (from `index`) whose class has any bit of `mask`.
  @inline(__always)
  static func run(
    _ bytes: UnsafePointer<UInt8>, from index: Int, _ end: Int, _ table: UnsafePointer<UInt8>,
    anyOf mask: UInt8
  ) -> Int {
    var i = index
    while i < end {
      let (flags, length) = classAt(bytes, i, end, table)
      if flags & mask == 0 { break }
      i += length
    }
    return i
  }

  /// The end of the run of "other" scalars (not letter, number or whitespace) from `index`.
  @inline(__always)
  static func otherRun(
    _ bytes: UnsafePointer<UInt8>, from index: Int, _ end: Int, _ table: UnsafePointer<UInt8>
  ) -> Int {
    var i = index
    while i < end {
      let (flags, length) = classAt(bytes, i, end, table)
      if flags & ScalarClass.wordOrSpace != 0 { break }
      i += length
    }
    return i
  }

  /// At most `limit` scalars of class `number` from `index`.
  @inline(__always)
  static func numbers(
    _ bytes: UnsafePointer<UInt8>, from index: Int, _ end: Int, _ table: UnsafePointer<UInt8>,
    limit: Int
  ) -> Int {
    var i = index
    var count = 0
    while i < end && count < limit {
      let (flags, length) = classAt(bytes, i, end, table)
      if flags & ScalarClass.number == 0 { break }
      i += length
      count += 1
    }
    return i
  }

  /// The whitespace alternatives at a whitespace scalar: `\s++$` (if `wholeRunAtEnd`),
  /// then `\s*[\r\n]` (if `newlineRule`), then `\s+(?!\S)`, then a single `\s`.
  @inline(__always)
  static func whitespace(
    _ bytes: UnsafePointer<UInt8>, from start: Int, _ end: Int, _ table: UnsafePointer<UInt8>,
    newlineRule: Bool, newlineRuleFirst: Bool
  ) -> Int {
    var i = start
    var lastStart = start
    var scalars = 0
    var afterLastNewline = -1
    while i < end {
      let (flags, length) = classAt(bytes, i, end, table)
      if flags & ScalarClass.space == 0 { break }
      let b = bytes[i]
      if b == 0x0A || b == 0x0D { afterLastNewline = i + 1 }
      lastStart = i
      scalars += 1
      i += length
    }
    if newlineRuleFirst && afterLastNewline > 0 { return afterLastNewline }
    if i == end { return end }
    if newlineRule && afterLastNewline > 0 { return afterLastNewline }
    if scalars >= 2 { return lastStart }
    return i  // a single whitespace scalar
  }

  /// The length of a contraction (`'s 't 'd 'm 'll 've 're`) at `index`, or 0.
  ///
  /// `caseInsensitive` also accepts upper case and U+017F (ſ, which case-folds to s).
  @inline(__always)
  static func contraction(
    _ bytes: UnsafePointer<UInt8>, at index: Int, _ end: Int, caseInsensitive: Bool
  ) -> Int {
    guard index + 1 < end, bytes[index] == 0x27 else { return 0 }
    var c1 = bytes[index + 1]
    if caseInsensitive {
      if c1 >= 0x41 && c1 <= 0x5A { c1 |= 0x20 }
      if c1 == 0xC5 && index + 2 < end && bytes[index + 2] == 0xBF { return 3 }  // 'ſ
    }
    switch c1 {
    case 0x73, 0x64, 0x6D, 0x74: return 2  // s d m t
    default: break
    }
    guard index + 2 < end else { return 0 }
    var c2 = bytes[index + 2]
    if caseInsensitive && c2 >= 0x41 && c2 <= 0x5A { c2 |= 0x20 }
    switch (c1, c2) {
    case (0x6C, 0x6C), (0x76, 0x65), (0x72, 0x65): return 3  // ll ve re
    default: return 0
    }
  }
}
