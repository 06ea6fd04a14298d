import CEmbeddingKernels
import EmbeddingCore
import Foundation
import Testing

@testable import Tokenization

/// The o200k cursor (bit rules on plain ASCII windows, `O200kSplitter` elsewhere) against
/// `O200kSplitter` alone, which tokenizer_parity.py checks against tiktoken.
@Suite struct O200kCursorTests {
  /// The cursor's pieces, and how many windows its rules cut.
  static func cursorEnds(_ bytes: [UInt8]) -> (ends: [Int], rulesWindows: Int) {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return ([], 0) }
      var cursor = O200kCursor(
        base, count: buffer.count, classes: UnsafePointer(ScalarClassTable.shared.classes))
      // Blocks of a few pieces, so that blocks end in every state of the cursor.
      var ends = [Int](repeating: 0, count: buffer.count)
      var start = 0
      var total = 0
      var capacity = 1
      while start < buffer.count {
        let cut = ends.withUnsafeMutableBufferPointer {
          cursor.fill(
            $0.baseAddress! + total, capacity: min(capacity, buffer.count - total), from: start)
        }
        total += cut
        start = ends[total - 1]
        capacity = capacity % 7 + 1
      }
      return (Array(ends[..<total]), cursor.rulesWindows)
    }
  }

  /// The first piece end where the cursor and `O200kSplitter` differ, with the text around it
  /// (nil if none), and how many windows the cursor's rules cut.
  static func compare(_ bytes: [UInt8]) -> (difference: String?, rulesWindows: Int) {
    let want = PreTokenizer.ranges(bytes, SplitterCursor<O200kSplitter>.self).map(\.upperBound)
    let (got, windows) = cursorEnds(bytes)
    guard want != got else { return (nil, windows) }
    let k =
      (0..<min(want.count, got.count)).first { want[$0] != got[$0] } ?? min(want.count, got.count)
    let at = k > 0 ? want[k - 1] : 0
    let context = String(
      decoding: bytes[max(0, at - 20)..<min(bytes.count, at + 40)], as: UTF8.self)
    let difference =
      "piece \(k) after byte \(at): want \(k < want.count ? want[k] : -1), got "
      + "\(k < got.count ? got[k] : -1) in \(context.debugDescription)"
    return (difference, windows)
  }

  /// Checks 600 adversarial texts of up to 3,000 bytes: no difference, and the rules cut more
  /// than `minimumWindows` windows in all.
  static func checkAdversarialTexts(seed: UInt64, other: Bool, minimumWindows: Int) {
    var rng = SeededGenerator(seed: seed)
    var windows = 0
    for _ in 0..<600 {
      let text = adversarialText(
        &rng, length: Int.random(in: 1...3_000, using: &rng), other: other)
      let (difference, cut) = compare(text)
      if let difference {
        Issue.record("\(difference)")
        return
      }
      windows += cut
    }
    #expect(windows > minimumWindows, "the rules cut only \(windows) windows")
  }

  /// Text made of the pieces that exercise each rule, in random order and lengths, with other
  /// bytes (tab, vertical tab, NEL, UTF-8) sprinkled in when `other` is set.
  static func adversarialText(_ rng: inout SeededGenerator, length: Int, other: Bool) -> [UInt8] {
    let atoms: [String] = [
      "word", "Word", "WORD", "camelCase", "HTTPServer", "aB", "Ab", "x", "I",
      "'s", "'S", "'t", "'ll", "'LL", "'re", "'Ve", "'d", "'m", "'x", "''", "'", "it's", "DON'T",
      "don't've", "a'", "(", ")", ".", ",", "!?", "...", "--", "\"", "/", "//", "/\n", "\n/",
      " ", "  ", "\n", "\n\n", " \n", "\n ", " .", " (x", ".\n", "!\n\n", "/\n/\n", "a/b", "\r\n",
      "\r", ".\r\n", " \r\n ", "\r/",
    ]
    let others = ["\t", "é", "中", "\u{2019}", "ſ", "\t ", " \t", "\u{0B}", "\u{85}"]
    var text: [UInt8] = []
    while text.count < length {
      let r = Int.random(in: 0..<100, using: &rng)
      switch r {
      case 0..<3:  // a digit run, long ones cross windows
        let n = Int.random(in: 1...200, using: &rng)
        for _ in 0..<n { text.append(UInt8.random(in: 0x30...0x39, using: &rng)) }
      case 3..<6:  // a whitespace run, perhaps longer than two windows
        let n = Int.random(in: 1...300, using: &rng)
        let newlineOdds = Int.random(in: 0...3, using: &rng)
        for _ in 0..<n {
          text.append(Int.random(in: 0..<8, using: &rng) < newlineOdds ? 0x0A : 0x20)
        }
      case 6..<8:  // a long run of one class
        let n = Int.random(in: 50...200, using: &rng)
        let byte = [UInt8(0x61), 0x41, 0x2E, 0x2F, 0x27, 0x0A, 0x0D].randomElement(using: &rng)!
        text += [UInt8](repeating: byte, count: n)
      case 8..<10 where other:
        text += Array(others.randomElement(using: &rng)!.utf8)
      default:
        text += Array(atoms.randomElement(using: &rng)!.utf8)
      }
    }
    return text
  }

  @Test func portableMasksEqualTheSSE2Ones() {
    var rng = SeededGenerator(seed: 11)
    for round in 0..<4_000 {
      // All bytes, then mostly ASCII, then runs of each class boundary value.
      let window: [UInt8] = (0..<64).map { _ in
        round < 1_000
          ? UInt8.random(in: 0...255, using: &rng)
          : [
            0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x21, 0x27, 0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41,
            0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x7E, 0x7F, 0x80, 0xC1, 0xDF, 0xE1, 0xFF,
          ].randomElement(using: &rng)!
      }
      window.withUnsafeBufferPointer { p in
        let portable = ByteClassMasks.portable(p.baseAddress!)
        #expect(Self.reference(window) == Self.fields(portable))
        #if arch(x86_64)
          #expect(Self.fields(ByteClassMasks(p.baseAddress!)) == Self.fields(portable))
        #endif
      }
    }
  }

  static func fields(_ m: ByteClassMasks) -> [UInt64] {
    [m.upper, m.lower, m.digit, m.space, m.newline, m.apos, m.slash, m.printable]
  }

  /// The masks one byte at a time.
  static func reference(_ window: [UInt8]) -> [UInt64] {
    let tests: [(UInt8) -> Bool] = [
      { $0 >= 0x41 && $0 <= 0x5A }, { $0 >= 0x61 && $0 <= 0x7A }, { $0 >= 0x30 && $0 <= 0x39 },
      { $0 == 0x20 }, { $0 == 0x0A || $0 == 0x0D }, { $0 == 0x27 }, { $0 == 0x2F },
      { $0 >= 0x21 && $0 <= 0x7E },
    ]
    return tests.map { test in
      var mask: UInt64 = 0
      for (i, b) in window.enumerated() where test(b) { mask |= 1 << UInt64(i) }
      return mask
    }
  }

  @Test func plainAdversarialTextSplitsAsTheScalarSplitter() {
    Self.checkAdversarialTexts(seed: 1, other: false, minimumWindows: 5_000)
  }

  @Test func mixedTextSplitsAsTheScalarSplitter() {
    Self.checkAdversarialTexts(seed: 2, other: true, minimumWindows: 1_000)
  }

  @Test func englishTextSplitsAsTheScalarSplitter() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Sources/embed/Resources/the-verdict.txt").standardized
    let text = Array(try Data(contentsOf: url))
    let (difference, windows) = Self.compare(text)
    #expect(difference == nil)
    #expect(
      windows * 64 > text.count * 9 / 10, "the rules cut \(windows) windows of \(text.count) bytes")
  }

  @Test func edgesOfTheText() {
    // Shorter than two windows (scalar only), at the limits, and each rule at a window edge.
    for length in [0, 1, 63, 64, 127, 128, 129, 191, 192, 256] {
      let text = Array(String(repeating: "ab 12'", count: 50).utf8.prefix(length))
      #expect(Self.compare(text).difference == nil, "length \(length)")
    }
    for pad in 0..<70 {
      for probe in ["don't", "  \n  x", "1234567", "x.\n/\nb", "a  .", "aB", "'ll", "   9"] {
        let text = Array(
          (String(repeating: "a", count: pad) + probe + String(repeating: " z", count: 90)).utf8)
        #expect(Self.compare(text).difference == nil, "\(probe.debugDescription) at \(pad)")
      }
    }
  }

  @Test func splitUsesTheCursor() {
    let text = String(repeating: "The cat's 1234 HTTPServer, sat.\n", count: 20)
    let pieces = PreTokenizer.o200k.split(text)
    #expect(pieces.joined() == text)
    #expect(
      pieces.prefix(10) == [
        "The", " cat's", " ", "123", "4", " HTTPServer", ",", " sat", ".\n", "The",
      ])
  }
}
