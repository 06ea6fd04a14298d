import Testing

@testable import Tokenization

/// One long text encoded on several threads gives exactly the one-thread IDs.
@Suite struct SplitEncodeTests {
  /// Line ends next to everything that could make a cut unsafe: spaces, CR, Unicode spaces,
  /// digits, punctuation (whose piece takes the LF), apostrophes, slashes, blank lines.
  static let lines = [
    "The end.", "Next line here", "x ", "After a space", "1", "Begins after a digit", "'",
    "Quote", "it's", "Done", "\r", "CRLF", "?", "/usr/bin", "a", "", "Zebra", "ÿ", "Accent",
    "\u{3000}", "Ideographic space", "end,", "start", "ABC", "DEF", "'s", "t", "🙂", "emoji",
    "tab\t", "Tabbed", "  two spaces", "NEWS: Today", "über", "Ünder", "3.14", "Pi",
  ]

  static func text(repeats: Int) -> String {
    (0..<repeats).map { r in "\(r) " + lines.joined(separator: "\n") + "\n" }.joined()
  }

  @Test(arguments: [EncodingName.gpt2, .cl100k_base, .o200k_base])
  func matchesOneThread(_ name: EncodingName) throws {
    let encoder = try BytePairEncoder.named(name)
    let text = Self.text(repeats: 40)
    let expected = encoder.encodeOrdinary(text)
    for threads in [2, 3] {
      #expect(encoder.encodeOrdinary(text, threads: threads, minimumSegment: 64) == expected)
    }
    // A text without a line end has no cut: it is encoded whole.
    let oneLine = Self.lines.joined(separator: " ")
    #expect(
      encoder.encodeOrdinary(oneLine, threads: 2, minimumSegment: 8)
        == encoder.encodeOrdinary(oneLine))
    #expect(encoder.encodeOrdinary("", threads: 2).isEmpty)
  }

  @Test func cutsOnlyAtSafePositions() {
    let bytes = Array(Self.text(repeats: 40).utf8)
    bytes.withUnsafeBufferPointer { buffer in
      let bounds = BytePairEncoder.segmentBounds(buffer, segments: 12, minimumSegment: 64)
      #expect(bounds.first == 0 && bounds.last == bytes.count)
      #expect(bounds.count > 4)
      for (a, b) in zip(bounds, bounds.dropFirst()) { #expect(a < b) }
      for p in bounds.dropFirst().dropLast() {
        #expect(bytes[p - 1] == 0x0A)
        #expect(bytes[p - 2] > 0x20 && bytes[p - 2] < 0x7F)
        #expect(bytes[p] < 0x80 && Character(UnicodeScalar(bytes[p])).isLetter)
      }
      // A text without a safe cut stays whole.
      let none = Array("no line ends at all".utf8)
      none.withUnsafeBufferPointer {
        #expect(
          BytePairEncoder.segmentBounds($0, segments: 4, minimumSegment: 2) == [0, none.count])
      }
    }
  }
}
