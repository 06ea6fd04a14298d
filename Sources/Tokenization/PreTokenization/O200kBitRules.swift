import CEmbeddingKernels

// o200k_base piece starts of plain ASCII text, 64 bytes at a time, from bit masks.
//
// The rules, and their check against the regular expression: Benchmarks/o200k_ascii_rules.py.
// "Plain" bytes are printable ASCII, space, LF and CR (the pattern treats CR exactly as LF, so
// `newline` holds both); a window holding any other byte (tab, UTF-8, controls) goes to
// `O200kSplitter`. `O200kCursor` decides which windows may use these rules.

/// Byte classes of a 64-byte window: bit i of each mask is byte i.
struct ByteClassMasks {
  var upper: UInt64 = 0, lower: UInt64 = 0, digit: UInt64 = 0, space: UInt64 = 0
  var newline: UInt64 = 0, apos: UInt64 = 0, slash: UInt64 = 0, printable: UInt64 = 0

  var letter: UInt64 { upper | lower }
  /// Printable, neither letter nor digit.
  var punct: UInt64 { printable & ~(upper | lower | digit) }
  /// Space, LF or CR.
  var white: UInt64 { space | newline }
  /// Every byte is printable ASCII, space, LF or CR.
  var isPlain: Bool { printable | space | newline == UInt64.max }
}

extension ByteClassMasks {
  /// The masks of `p[0..<64]`: SSE2 on x86-64, `portable` elsewhere.
  @inline(__always)
  init(_ p: UnsafePointer<UInt8>) {
    #if arch(x86_64)
      let r = ek_classify64(p)
      self.init(
        upper: r.upper, lower: r.lower, digit: r.digit, space: r.space, newline: r.newline,
        apos: r.apos, slash: r.slash, printable: r.printable)
    #else
      self = ByteClassMasks.portable(p)
    #endif
  }

  /// The same masks in plain Swift, eight bytes per 64-bit word (SWAR).
  static func portable(_ p: UnsafePointer<UInt8>) -> ByteClassMasks {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    // The high bit of each byte whose value is in lo...hi (no carries cross bytes: the high
    // bits are cleared before adding, and a byte ≥ 0x80 is excluded by `~x`).
    @inline(__always) func range(_ x: UInt64, _ lo: UInt64, _ hi: UInt64) -> UInt64 {
      let low = x & ~high
      let atLeastLo = low &+ (0x80 - lo) &* ones
      let aboveHi = low &+ (0x7F - hi) &* ones
      return atLeastLo & ~aboveHi & ~x & high
    }
    // Byte k's high bit to bit k of the result.
    @inline(__always) func gather(_ h: UInt64) -> UInt64 {
      ((h >> 7) &* 0x0102_0408_1020_4080) >> 56
    }
    var r = ByteClassMasks()
    for w in 0..<8 {
      let x = UnsafeRawPointer(p + 8 * w).loadUnaligned(as: UInt64.self).littleEndian
      let s = UInt64(8 * w)
      r.upper |= gather(range(x, 0x41, 0x5A)) << s
      r.lower |= gather(range(x, 0x61, 0x7A)) << s
      r.digit |= gather(range(x, 0x30, 0x39)) << s
      r.printable |= gather(range(x, 0x21, 0x7E)) << s
      r.space |= gather(range(x, 0x20, 0x20)) << s
      r.newline |= gather(range(x, 0x0A, 0x0A) | range(x, 0x0D, 0x0D)) << s
      r.apos |= gather(range(x, 0x27, 0x27)) << s
      r.slash |= gather(range(x, 0x2F, 0x2F)) << s
    }
    return r
  }
}

/// The piece starts of one plain window, from its masks, the next window's masks and a carry.
enum O200kBitRules {
  /// What a window hands to the next: the bit-63 states the rules shift in, and the runs and
  /// contractions that cross the boundary.
  struct Carry {
    var prev = ByteClassMasks()
    /// Bytes of a `[\r\n/]*` run after punctuation (part of the punctuation's piece).
    var absorbed: UInt64 = 0
    /// Punctuation bytes outside absorbed runs and contractions.
    var punctRun: UInt64 = 0
    /// Whitespace bytes outside absorbed runs.
    var white: UInt64 = 0
    /// The spaces after a whitespace run's last LF (split off as `\s+(?!\S)`).
    var suffix: UInt64 = 0
    /// The previous window's contraction bytes, and those spilling into this window.
    var lastInside: UInt64 = 0
    var inside: UInt64 = 0
    /// A contraction of the previous window ends at this window's bit 0.
    var afterContraction: UInt64 = 0
    /// The length of the digit run at the end of the previous window (only its value mod 3 and
    /// whether it is 0 matter).
    var digitRun = 0
  }

  /// Bit i set when a piece starts at window byte i (`o` is the window's offset in `base[0..<n]`).
  ///
  /// Exact when the window and the next one are plain, `carry` is what the previous window
  /// handed over (or a state `O200kCursor.resume` builds), and no whitespace run crosses the
  /// whole next window (`crossesNext`).
  @inline(__always)
  static func starts(
    _ base: UnsafePointer<UInt8>, _ n: Int, _ o: Int, _ m: ByteClassMasks, _ next: ByteClassMasks,
    _ carry: inout Carry
  ) -> UInt64 {
    let prev = carry.prev
    // The mask shifted one (two) bytes later, the previous window's top bits shifted in.
    @inline(__always) func p1(_ x: UInt64, _ px: UInt64) -> UInt64 { x << 1 | px >> 63 }
    @inline(__always) func p2(_ x: UInt64, _ px: UInt64) -> UInt64 { x << 2 | px >> 62 }
    let letter = m.letter
    let prevLetter = prev.letter
    // Contractions ('s 't 'm 'd 're 've 'll, any case) after a letter belong to the word.
    var inside = carry.inside
    var afterContraction = carry.afterContraction
    var spillInside: UInt64 = 0
    var spillAfter: UInt64 = 0
    var apostrophes = m.apos & p1(letter, prevLetter)
    while apostrophes != 0 {
      let j = apostrophes.trailingZeroBitCount
      apostrophes &= apostrophes &- 1
      let insideBefore = j > 0 ? inside >> UInt64(j - 1) & 1 : carry.lastInside >> 63
      if inside >> UInt64(j) & 1 != 0 || insideBefore != 0 { continue }
      let i = o + j
      let a = i + 1 < n ? base[i + 1] | 0x20 : 0
      let b = i + 2 < n ? base[i + 2] | 0x20 : 0
      let k =
        (a == 0x73 || a == 0x74 || a == 0x6D || a == 0x64)
        ? 2  // s t m d
        : ((a == 0x72 && b == 0x65) || (a == 0x76 && b == 0x65) || (a == 0x6C && b == 0x6C)) ? 3 : 0
      guard k > 0 else { continue }
      for t in j..<(j + k) {
        if t < 64 { inside |= 1 << UInt64(t) } else { spillInside |= 1 << UInt64(t - 64) }
      }
      if j + k < 64 {
        afterContraction |= 1 << UInt64(j + k)
      } else {
        spillAfter |= 1 << UInt64(j + k - 64)
      }
    }
    // `[\r\n/]*` after a punctuation run: seeded by an LF right after punctuation (a `/` is
    // punctuation itself) or by the previous window, then filled forward through LF and `/`.
    let fill = m.newline | m.slash
    let punct = m.punct
    var absorbed =
      (m.newline & p1(punct & ~inside, carry.punctRun)) | (fill & (carry.absorbed >> 63))
    var step = fill
    var shift: UInt64 = 1
    for _ in 0..<6 {
      absorbed |= (absorbed << shift) & step
      step &= step << shift
      shift <<= 1
    }
    let punctRun = punct & ~absorbed & ~inside
    let punctBefore = p1(punctRun, carry.punctRun)
    // A one-byte punctuation prefix of a word (`[^\r\n\p{L}\p{N}]?`): the run's only byte, not
    // itself after a space (the space would be the prefix).
    let prefixPunct = punctBefore & ~p2(punctRun, carry.punctRun) & ~p2(m.space, prev.space)
    let words = letter & ~inside
    let letterStarts =
      words
      & (afterContraction | (p1(m.lower, prev.lower) & m.upper)
        | (~p1(letter, prevLetter) & ~p1(m.space, prev.space) & ~prefixPunct))
    // Digits: a run's first, then every third.
    let digitBefore: UInt64 = carry.digitRun > 0 ? 1 << 63 : 0
    var digitStarts = m.digit & ~p1(m.digit, digitBefore)
    var inRun = m.digit & p1(m.digit, digitBefore)
    while inRun != 0 {
      let j = inRun.trailingZeroBitCount
      inRun &= inRun &- 1
      let below = ~m.digit & ((1 << UInt64(j)) &- 1)
      let offset = below == 0 ? j + carry.digitRun : j - (63 - below.leadingZeroBitCount) - 1
      if offset % 3 == 0 { digitStarts |= 1 << UInt64(j) }
    }
    let punctStarts = punctRun & ~punctBefore & ~p1(m.space, prev.space)
    // Whitespace: a run starts a piece; so do the spaces after its last LF, and the last space
    // before a non-space (it joins the next piece, or stands alone before a digit or LF-free end).
    let white = m.white & ~absorbed
    let whiteStarts = white & ~p1(white, carry.white)
    let nextWhite = next.white
    let runEnds = white & ~(white >> 1 | (nextWhite & 1) << 63)
    // A run crossing into the next window: its space suffix reaches back here only if the next
    // window's part of the run has no LF.
    let lead = (~nextWhite).trailingZeroBitCount
    let leadMask: UInt64 = lead >= 64 ? UInt64.max : (1 << UInt64(lead)) &- 1
    let crossing = white >> 63 & nextWhite & 1
    let seedTop: UInt64 =
      crossing != 0 && next.newline & leadMask == 0 && m.space >> 63 != 0 ? 1 << 63 : 0
    var suffix = (runEnds & m.space) | seedTop
    var spaces = m.space
    shift = 1
    for _ in 0..<6 {
      suffix |= (suffix >> shift) & spaces
      spaces &= spaces >> shift
      shift <<= 1
    }
    let suffixStarts = suffix & ~p1(suffix, carry.suffix)
    let lastSpaces = runEnds & m.space & p1(suffix, carry.suffix)
    carry.prev = m
    carry.absorbed = absorbed
    carry.punctRun = punctRun
    carry.white = white
    carry.suffix = suffix
    carry.lastInside = inside
    carry.inside = spillInside
    carry.afterContraction = spillAfter
    let trailingDigits = (~m.digit).leadingZeroBitCount
    carry.digitRun = trailingDigits == 64 ? carry.digitRun + 64 : trailingDigits
    return letterStarts | digitStarts | punctStarts | whiteStarts | suffixStarts | lastSpaces
  }

  /// Whether a whitespace run reaches the end of window `m` and covers all of `next`: the rules
  /// look only one window ahead, so such a window goes to the scalar splitter.
  @inline(__always)
  static func crossesNext(_ m: ByteClassMasks, _ next: ByteClassMasks) -> Bool {
    m.white >> 63 != 0 && next.white == UInt64.max
  }
}
