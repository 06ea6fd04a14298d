/// Cuts one text into its pieces, in order, a block at a time: the encoder's first pass.
protocol PieceCursor {
  init(_ bytes: UnsafePointer<UInt8>, count: Int, classes: UnsafePointer<UInt8>)
  /// Writes the ends of the next pieces (at most `capacity`, at least one while `start < count`)
  /// to `ends` and returns how many. `start` is 0 at first, then the last end written.
  mutating func fill(_ ends: UnsafeMutablePointer<Int>, capacity: Int, from start: Int) -> Int
}

/// A splitter's `pieceEnd`, one piece at a time.
struct SplitterCursor<Splitter: PieceSplitter>: PieceCursor {
  let bytes: UnsafePointer<UInt8>
  let count: Int
  let classes: UnsafePointer<UInt8>

  init(_ bytes: UnsafePointer<UInt8>, count: Int, classes: UnsafePointer<UInt8>) {
    (self.bytes, self.count, self.classes) = (bytes, count, classes)
  }

  @inline(__always)
  mutating func fill(_ ends: UnsafeMutablePointer<Int>, capacity: Int, from start: Int) -> Int {
    var k = 0
    var end = start
    while k < capacity && end < count {
      end = Splitter.pieceEnd(bytes, end, count, classes)
      ends[k] = end
      k += 1
    }
    return k
  }
}

/// o200k_base pieces: 64-byte windows of plain ASCII cut by `O200kBitRules` (cutting English
/// text about 1.8 times as fast as `O200kSplitter`), every other stretch by `O200kSplitter`.
///
/// The rules need the state the text before a window leaves (`O200kBitRules.Carry`). Windows
/// follow each other from where the rules took over, so each hands its carry to the next. After a
/// stretch the rules cannot take, they resume at a piece end `e` that `O200kSplitter` found, when
/// the byte before `e` is an ASCII letter or digit and `e` is not an apostrophe: there the carry
/// is known from that byte alone (no run, contraction or absorbed `[\r\n/]*` crosses into `e` in a
/// way the rules look at past bit 0, and bit 0, the start `e` itself, is already known).
struct O200kCursor: PieceCursor {
  let bytes: UnsafePointer<UInt8>
  let count: Int
  let classes: UnsafePointer<UInt8>
  /// Rules mode: the window's offset, its piece starts not yet returned, the next window's masks.
  private var window = 0
  private var pending: UInt64 = 0
  private var next = ByteClassMasks()
  private var carry = O200kBitRules.Carry()
  private var rulesMode = false
  /// Scalar mode: the rules are tried again at the first piece end after this offset.
  private var resumeAfter = -1
  /// How many windows the rules have cut (for tests: that the rules, not only the fallback, ran).
  private(set) var rulesWindows = 0

  init(_ bytes: UnsafePointer<UInt8>, count: Int, classes: UnsafePointer<UInt8>) {
    (self.bytes, self.count, self.classes) = (bytes, count, classes)
    if count > 0 { resume(at: 0) }
  }

  @inline(__always)
  mutating func fill(_ ends: UnsafeMutablePointer<Int>, capacity: Int, from start: Int) -> Int {
    var k = 0
    var end = start
    while k < capacity && end < count {
      if rulesMode {
        var starts = pending
        if starts == 0 {
          cutWindow(at: window + 64, next)
          continue
        }
        let w = window
        repeat {
          ends[k] = w &+ starts.trailingZeroBitCount
          starts &= starts &- 1
          k += 1
        } while starts != 0 && k < capacity
        pending = starts
        end = ends[k - 1]
      } else {
        end = O200kSplitter.pieceEnd(bytes, end, count, classes)
        ends[k] = end
        k += 1
        if end > resumeAfter { resume(at: end) }
      }
    }
    return k
  }

  /// Cuts window `w` (masks `m`) with the rules: its starts, perhaps none, become `pending`.
  /// When the rules cannot take it, leaves rules mode with `resumeAfter` past what stops them.
  @discardableResult
  private mutating func cutWindow(at w: Int, _ m: ByteClassMasks) -> Bool {
    guard w + 128 <= count else { return leave(resumeAfter: count) }
    guard m.isPlain else { return leave(resumeAfter: w + Self.lastOther(m)) }
    let after = ByteClassMasks(bytes + w + 64)
    guard after.isPlain else { return leave(resumeAfter: w + 64 + Self.lastOther(after)) }
    guard !O200kBitRules.crossesNext(m, after) else { return leave(resumeAfter: w + 64) }
    pending = O200kBitRules.starts(bytes, count, w, m, after, &carry)
    rulesWindows += 1
    window = w
    next = after
    rulesMode = true
    return true
  }

  private mutating func leave(resumeAfter offset: Int) -> Bool {
    rulesMode = false
    resumeAfter = offset
    return false
  }

  /// Starts rules mode at piece start `e` if the carry into `e` is known and the rules can take
  /// the window at `e`.
  private mutating func resume(at e: Int) {
    guard e + 128 <= count else {
      resumeAfter = count
      return
    }
    carry = O200kBitRules.Carry()
    if e > 0 {
      let before = bytes[e - 1]
      let isLetter = (before | 0x20) &- 0x61 < 26
      let isDigit = before &- 0x30 < 10
      guard (isLetter || isDigit) && bytes[e] != 0x27 else { return }
      let top: UInt64 = 1 << 63
      if isDigit {
        carry.prev.digit = top
        carry.digitRun = 3  // e starts a piece, so its place in a digit run is a multiple of 3
      } else if before < 0x61 {
        carry.prev.upper = top
      } else {
        carry.prev.lower = top
      }
    }
    if cutWindow(at: e, ByteClassMasks(bytes + e)) { pending &= ~1 }  // bit 0 is e itself
  }

  /// The offset in its window of the last byte that is not plain (the window has one).
  @inline(__always)
  private static func lastOther(_ m: ByteClassMasks) -> Int {
    63 - (~(m.printable | m.white)).leadingZeroBitCount
  }
}
