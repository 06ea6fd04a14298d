// encode / tokens: special-token split, BERT normalization, pre-tokenization and WordPiece.

extension WordPieceTokenizer {
  /// Encodes `text` as `[CLS] pieces… [SEP]`, truncated to `maxLength` IDs.
  ///
  /// Truncation keeps the first `maxLength - 2` pieces (HF `truncation=True`); a
  /// `maxLength` below 2 keeps only the first `maxLength` of `[CLS]`, `[SEP]`.
  ///
  /// ```swift
  /// let encoding = tokenizer.encode("Hello, world!", maxLength: 256)
  /// ```
  /// - Complexity: O(bytes of text), stopping early once `maxLength` is exceeded.
  public func encode(_ text: String, maxLength: Int? = nil) -> WordPieceEncoding {
    var text = text
    let limit = maxLength.map { max(0, $0 - 2) } ?? unlimited
    var run = WordPieceRun()
    run.ids.append(classID)
    run.spans.append(0..<0)
    let complete = text.withUTF8 { appendPieces($0, limit: limit, run: &run) }
    var truncated = !complete
    if run.ids.count > limit + 1 {
      truncated = true
      run.ids.removeSubrange((limit + 1)...)
      run.spans.removeSubrange((limit + 1)...)
    }
    run.ids.append(separatorID)
    run.spans.append(0..<0)
    if let maxLength, maxLength < 2 {
      truncated = true
      let keep = max(0, maxLength)
      run.ids = Array([classID, separatorID].prefix(keep))
      run.spans = Array(repeating: 0..<0, count: keep)
    }
    return WordPieceEncoding(ids: run.ids, spans: run.spans, truncated: truncated)
  }

  /// The word pieces of `text`, without `[CLS]`/`[SEP]`.
  ///
  /// ```swift
  /// tokenizer.tokens("Unaffable!")  // ["una", "##ff", "##able", "!"]
  /// ```
  /// - Complexity: O(bytes of text).
  public func tokens(_ text: String) -> [String] {
    var text = text
    var run = WordPieceRun()
    _ = text.withUTF8 { appendPieces($0, limit: unlimited, run: &run) }
    return run.ids.map { tokensByID[Int($0)] }
  }

  /// Appends the pieces of `bytes` to `run`; stops and returns false once more than `limit`
  /// pieces (beyond those already in `run` minus one) have been produced.
  func appendPieces(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int, run: inout WordPieceRun)
    -> Bool
  {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
    let end = bytes.count
    let flags = UnsafePointer(table.flags)
    let clean = options.cleanText
    let chinese = options.tokenizeChineseChars
    let cap = limit + 2
    var i = 0
    while i < end {
      if run.ids.count >= cap { return false }
      let b0 = base[i]
      if addedTokenFirstBytes[Int(b0)], let (length, id) = addedToken(at: base + i, end - i) {
        finishWord(&run)
        run.ids.append(id)
        run.spans.append(i..<(i + length))
        i += length
        continue
      }
      let (value, length) = decodeScalar(base, i)
      let start = i
      i += length
      let f = flags[Int(value)]
      if clean {
        if f & BertScalar.drop != 0 { continue }
        if f & BertScalar.cleanSpace != 0 {
          finishWord(&run)
          continue
        }
      }
      if chinese && f & BertScalar.chinese != 0 {
        finishWord(&run)
        pushMapped(value, f, start, i, &run, flags)
        finishWord(&run)
        continue
      }
      pushMapped(value, f, start, i, &run, flags)
    }
    finishWord(&run)
    return run.ids.count < cap
  }

  /// The added token (longest first) starting at `pointer`, if any.
  @inline(__always)
  private func addedToken(at pointer: UnsafePointer<UInt8>, _ available: Int) -> (Int, Int32)? {
    for token in addedTokens where token.bytes.count <= available {
      var match = true
      for (k, byte) in token.bytes.enumerated() where pointer[k] != byte {
        match = false
        break
      }
      if match { return (token.bytes.count, token.id) }
    }
    return nil
  }

  /// Applies accent stripping and lower-casing to one scalar and feeds the result to the
  /// pre-tokenizer.
  @inline(__always)
  private func pushMapped(
    _ value: UInt32, _ f: UInt8, _ start: Int, _ end: Int, _ run: inout WordPieceRun,
    _ flags: UnsafePointer<UInt8>
  ) {
    let lower = options.lowercase
    if value < 0x80 {
      var v = value
      if lower && v >= 0x41 && v <= 0x5A { v += 32 }
      preTokenize(v, f, start, end, &run)
      return
    }
    let strip = options.stripsAccents
    if strip && f & BertScalar.decomposes != 0 {
      let parts =
        (0xAC00...0xD7A3).contains(value)
        ? BertScalarTable.hangul(value) : (table.decomposition[value] ?? [value])
      for part in parts {
        let pf = flags[Int(part)]
        if pf & BertScalar.nonspacingMark != 0 { continue }
        pushLowered(part, pf, start, end, &run, flags)
      }
      return
    }
    if strip && f & BertScalar.nonspacingMark != 0 { return }
    pushLowered(value, f, start, end, &run, flags)
  }

  @inline(__always)
  private func pushLowered(
    _ value: UInt32, _ f: UInt8, _ start: Int, _ end: Int, _ run: inout WordPieceRun,
    _ flags: UnsafePointer<UInt8>
  ) {
    if options.lowercase && f & BertScalar.lowercases != 0, let lowered = table.lowercase[value] {
      for part in lowered { preTokenize(part, flags[Int(part)], start, end, &run) }
    } else {
      preTokenize(value, f, start, end, &run)
    }
  }

  /// The BertPreTokenizer step for one normalized scalar from input bytes `start..<end`.
  @inline(__always)
  private func preTokenize(
    _ value: UInt32, _ f: UInt8, _ start: Int, _ end: Int, _ run: inout WordPieceRun
  ) {
    if f & BertScalar.space != 0 {
      finishWord(&run)
    } else if f & BertScalar.punctuation != 0 {
      finishWord(&run)
      run.append(value, start, end)
      finishWord(&run)
    } else {
      run.append(value, start, end)
    }
  }

  /// Runs WordPiece on the word collected in `run` and clears it.
  private func finishWord(_ run: inout WordPieceRun) {
    guard run.scalarCount > 0 else { return }
    defer { run.clearWord() }
    let wordSpan = Int(run.origins[0])..<Int(run.origins[2 * run.scalarCount - 1])
    if run.scalarCount > options.maxInputCharsPerWord {
      run.ids.append(unknownID)
      run.spans.append(wordSpan)
      return
    }
    let mark = run.ids.count
    let ok = run.word.withUnsafeBufferPointer { word -> Bool in
      guard let w = word.baseAddress else { return true }
      let length = word.count
      var start = 0
      while start < length {
        let pieces = start == 0 ? startPieces : continuationPieces
        var end = min(length, start + pieces.maxLength)
        while end < length && end > start && w[end] & 0xC0 == 0x80 { end -= 1 }
        var found: Int32? = nil
        while end > start {
          if let id = pieces.id(w + start, end - start) {
            found = id
            break
          }
          end -= 1
          while end > start && w[end] & 0xC0 == 0x80 { end -= 1 }
        }
        guard let id = found else { return false }
        let first = Int(run.byteScalar[start])
        let last = Int(run.byteScalar[end - 1])
        run.ids.append(id)
        run.spans.append(Int(run.origins[2 * first])..<Int(run.origins[2 * last + 1]))
        start = end
      }
      return true
    }
    if !ok {
      run.ids.removeSubrange(mark...)
      run.spans.removeSubrange(mark...)
      run.ids.append(unknownID)
      run.spans.append(wordSpan)
    }
  }
}

/// Decodes the scalar starting at `i` of valid UTF-8 (Swift strings always are).
@inline(__always)
func decodeScalar(_ bytes: UnsafePointer<UInt8>, _ i: Int) -> (UInt32, Int) {
  let b0 = UInt32(bytes[i])
  if b0 < 0x80 { return (b0, 1) }
  if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2) }
  if b0 < 0xF0 {
    return (
      (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3
    )
  }
  let value =
    (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
    | UInt32(bytes[i + 3] & 0x3F)
  return (value, 4)
}

/// Scratch state of one `encode`: the output so far and the word being collected.
struct WordPieceRun {
  var ids: [Int32] = []
  var spans: [Range<Int>] = []
  /// UTF-8 bytes of the normalized word.
  var word: [UInt8] = []
  /// For each byte of `word`, the index of its scalar.
  var byteScalar: [Int32] = []
  /// For each scalar of the word, the input byte range it came from (start, end pairs).
  var origins: [Int] = []
  var scalarCount = 0

  @inline(__always)
  mutating func append(_ value: UInt32, _ start: Int, _ end: Int) {
    let index = Int32(scalarCount)
    if value < 0x80 {
      word.append(UInt8(value))
      byteScalar.append(index)
    } else if value < 0x800 {
      word.append(UInt8(0xC0 | value >> 6))
      word.append(UInt8(0x80 | value & 0x3F))
      byteScalar.append(index)
      byteScalar.append(index)
    } else if value < 0x10000 {
      word.append(UInt8(0xE0 | value >> 12))
      word.append(UInt8(0x80 | (value >> 6) & 0x3F))
      word.append(UInt8(0x80 | value & 0x3F))
      for _ in 0..<3 { byteScalar.append(index) }
    } else {
      word.append(UInt8(0xF0 | value >> 18))
      word.append(UInt8(0x80 | (value >> 12) & 0x3F))
      word.append(UInt8(0x80 | (value >> 6) & 0x3F))
      word.append(UInt8(0x80 | value & 0x3F))
      for _ in 0..<4 { byteScalar.append(index) }
    }
    origins.append(start)
    origins.append(end)
    scalarCount += 1
  }

  mutating func clearWord() {
    word.removeAll(keepingCapacity: true)
    byteScalar.removeAll(keepingCapacity: true)
    origins.removeAll(keepingCapacity: true)
    scalarCount = 0
  }
}

/// The piece limit meaning "no truncation" (room left for arithmetic on it).
let unlimited = Int.max / 4
