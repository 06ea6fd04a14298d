import EmbeddingCore
import Testing

@testable import Tokenization

/// `RankLookup`'s tables: every token found by both lookups (the encoder's packed one and the
/// merge's by bytes), tokens in the wide table, and keys that differ only by zero bytes.
@Suite struct RankLookupTests {
  /// The rank of `bytes` by the encoder's path: pack, first slot, probe (`padding` readable
  /// bytes of garbage after the token, so the packing takes its whole-word loads).
  static func packedRank(_ table: RankLookup, _ bytes: [UInt8], padding: Int) -> UInt32 {
    let buffer = bytes + [UInt8](repeating: 0xA5, count: padding)
    return buffer.withUnsafeBufferPointer { p in
      let (a, b) = RankLookup.pack(p.baseAddress!, bytes.count, readable: buffer.count)
      let first = table.prefetchSlot(packed: a, b, bytes.count)
      return table.rank(packed: a, b, bytes.count, from: first)
    }
  }

  static func rank(_ table: RankLookup, _ bytes: [UInt8], padding: Int = 0) -> UInt32 {
    let buffer = bytes + [UInt8](repeating: 0x5A, count: padding)
    return buffer.withUnsafeBufferPointer {
      table.rank($0.baseAddress!, bytes.count, readable: buffer.count)
    }
  }

  @Test func everyO200kTokenIsFoundBothWays() throws {
    let table = try BytePairEncoder.named(.o200k_base).table
    #expect(!table.lookup.wideHoldsShort)
    var checked = 0
    for rank in 0..<table.rankLimit {
      guard let token = table.bytes(of: rank).map(Array.init) else { continue }
      #expect(Self.rank(table.lookup, token) == UInt32(rank))
      #expect(Self.rank(table.lookup, token, padding: 16) == UInt32(rank))
      if token.count <= 16 {
        #expect(Self.packedRank(table.lookup, token, padding: 0) == UInt32(rank))
        #expect(Self.packedRank(table.lookup, token, padding: 16) == UInt32(rank))
      }
      checked += 1
    }
    #expect(checked == table.count)
  }

  @Test func wideTableHoldsLargeRanksAndLongTokens() throws {
    // Dense ranks for 240,000 three-byte tokens (so ranks above 2^19 are allowed), then short
    // tokens at ranks a compact slot cannot hold, tokens of 14-16 bytes, and keys that differ
    // only by trailing zero bytes or by length.
    var tokens: [(bytes: [UInt8], rank: Int)] = (0..<256).map { ([UInt8($0)], $0) }
    for i in 0..<240_000 {
      tokens.append(([0xF0 | UInt8(i >> 16), UInt8((i >> 8) & 0xFF), UInt8(i & 0xFF)], 256 + i))
    }
    let special: [[UInt8]] = [
      Array("ab".utf8), [0x61, 0x62, 0x00], [0x00, 0x00], [0x00, 0x00, 0x00],
      Array("abcdefghijklm".utf8), Array("abcdefghijklmn".utf8), Array("abcdefghijklmno".utf8),
      Array("abcdefghijklmnop".utf8), Array("abcdefghijklmnopq".utf8),
      [UInt8](repeating: 0, count: 14), [UInt8](repeating: 0, count: 16),
    ]
    let high = (1 << 19) - 2  // the first two fit a compact slot, the rest do not
    for (i, bytes) in special.enumerated() { tokens.append((bytes, high + i)) }
    let table = try RankTable(tokens: tokens)
    #expect(table.lookup.wideHoldsShort)
    for (i, bytes) in special.enumerated() {
      #expect(Self.rank(table.lookup, bytes) == UInt32(high + i), "\(bytes)")
      #expect(Self.rank(table.lookup, bytes, padding: 16) == UInt32(high + i), "\(bytes)")
      if bytes.count <= 16 {
        #expect(Self.packedRank(table.lookup, bytes, padding: 16) == UInt32(high + i), "\(bytes)")
      }
    }
    for i in stride(from: 0, to: 240_000, by: 997) {
      #expect(Self.packedRank(table.lookup, tokens[256 + i].bytes, padding: 16) == UInt32(256 + i))
    }
    let absent: [[UInt8]] = [
      Array("abc".utf8), [0x00, 0x00, 0x00, 0x00], Array("abcdefghijklmnoq".utf8),
      [UInt8](repeating: 0, count: 15), [0x61, 0x62, 0x00, 0x00],
    ]
    for bytes in absent {
      #expect(Self.rank(table.lookup, bytes) == RankTable.absent, "\(bytes)")
      #expect(Self.packedRank(table.lookup, bytes, padding: 16) == RankTable.absent, "\(bytes)")
    }
  }

  @Test(arguments: 1...16)
  func packingIsTheSameWithAndWithoutSlack(_ length: Int) {
    var generator = SeededGenerator(seed: UInt64(length))
    for _ in 0..<200 {
      let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      let slack = bytes + [UInt8](repeating: 0xFF, count: 16)
      let tight = bytes.withUnsafeBufferPointer {
        RankLookup.pack($0.baseAddress!, length, readable: length)
      }
      let wide = slack.withUnsafeBufferPointer {
        RankLookup.pack($0.baseAddress!, length, readable: slack.count)
      }
      #expect(tight == wide)
      var a: UInt64 = 0
      var b: UInt64 = 0
      for (i, byte) in bytes.enumerated() {
        if i < 8 { a |= UInt64(byte) << (8 * i) } else { b |= UInt64(byte) << (8 * (i - 8)) }
      }
      #expect(tight == (a, b))
    }
  }
}

/// The encoder's blocks: what `appendOrdinary` reports about the last piece (which
/// `encode(bytes:)` re-merges with invalid bytes after it), whatever came before it in its block.
@Suite struct EncoderBlockTests {
  @Test(arguments: EncodingName.allCases)
  func lastPieceTokenCountIsTheLastPieces(_ name: EncodingName) throws {
    let encoder = try BytePairEncoder.named(name)
    // Words that are one token and words that are several, in every order, across blocks of
    // 64 pieces, and texts ending on either kind.
    let words = [
      " the", " tokenization", " and", " Xyzzyplugh", " of", " naïveté", "\n", " 12345",
      " zzqv", ".",
    ]
    var generator = SeededGenerator(seed: 11)
    for trial in 0..<300 {
      let count = 1 + Int(generator.next() % 150)
      let text = (0..<count).map { _ in words[Int(generator.next() % UInt64(words.count))] }
        .joined()
      let bytes = Array(text.utf8)
      let last = try #require(encoder.preTokenizer.split(bytes: bytes).last)
      let expected = encoder.encodeOrdinary(String(decoding: bytes[last], as: UTF8.self)).count
      let got = bytes.withUnsafeBufferPointer { buffer in
        encoder.workspaces.with { workspace in
          var out: [Int] = []
          return encoder.appendOrdinary(buffer, workspace: workspace, into: &out)
        }
      }
      #expect(got == expected, "trial \(trial): \(text.suffix(40).debugDescription)")
    }
  }
}
