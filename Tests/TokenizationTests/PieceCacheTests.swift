import Testing

@testable import Tokenization

/// The encoder's per-thread piece → token IDs cache: exact keys, growth, and the bounded clear.
@Suite struct PieceCacheTests {
  /// A distinct piece of 4–16 bytes for each `i` (its first four bytes are `i`).
  static func piece(_ i: Int) -> [UInt8] {
    let length = 4 + i % 13
    return withUnsafeBytes(of: UInt32(i).littleEndian) { Array($0) }
      + [UInt8](repeating: UInt8(truncatingIfNeeded: i &* 7), count: length - 4)
  }

  static func ids(_ i: Int) -> [Int] { (0...(i % 3)).map { i &* 3 + $0 } }

  /// The cached tokens of `bytes`, or nil. `padding` extra readable bytes after the piece (filled
  /// with garbage) let the cache take its fast whole-word loads.
  static func lookup(_ cache: PieceCache, _ bytes: [UInt8], padding: Int = 0) -> [Int]? {
    let buffer = bytes + [UInt8](repeating: 0xEE, count: padding)
    var out: [Int] = []
    let hit = buffer.withUnsafeBufferPointer { p -> Bool in
      guard let base = p.baseAddress else { return false }
      let (a, b) = RankLookup.pack(base, bytes.count, readable: buffer.count)
      return cache.appendCached(packed: a, b, bytes.count, into: &out)
    }
    return hit ? out : nil
  }

  static func insert(_ cache: PieceCache, _ bytes: [UInt8], _ ids: [Int], padding: Int = 0) {
    let buffer = bytes + [UInt8](repeating: 0x55, count: padding)
    buffer.withUnsafeBufferPointer { p in
      guard let base = p.baseAddress else { return }
      let (a, b) = RankLookup.pack(base, bytes.count, readable: buffer.count)
      ids.withUnsafeBufferPointer { cache.insert(packed: a, b, bytes.count, ids: $0) }
    }
  }

  @Test func keysAreExactBytesAndLength() {
    let cache = PieceCache()
    // Same leading bytes, different lengths (zero bytes pack like padding: the length decides).
    let pieces: [[UInt8]] = [
      [0, 0], [0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0],
      Array("abcdefgh".utf8), Array("abcdefghi".utf8), Array("abcdefghj".utf8),
      Array("abcdefghijklmnop".utf8), Array("abcdefghijklmnoq".utf8),
    ]
    for (i, piece) in pieces.enumerated() { Self.insert(cache, piece, [100 + i, i]) }
    for (i, piece) in pieces.enumerated() {
      #expect(Self.lookup(cache, piece) == [100 + i, i], "\(piece)")
      // The fast path (≥ 16 readable bytes, garbage after the piece) finds the same entry.
      #expect(Self.lookup(cache, piece, padding: 16) == [100 + i, i], "\(piece)")
    }
    #expect(Self.lookup(cache, [0]) == nil)
    #expect(Self.lookup(cache, Array("abcdefghijklmnoz".utf8)) == nil)
  }

  @Test func fastAndSlowKeyPackingAgree() {
    let cache = PieceCache()
    for i in 0..<2_000 {
      Self.insert(cache, Self.piece(i), Self.ids(i), padding: i % 2 == 0 ? 0 : 20)
    }
    for i in 0..<2_000 {
      #expect(Self.lookup(cache, Self.piece(i), padding: i % 2 == 0 ? 20 : 0) == Self.ids(i))
    }
  }

  @Test func growsThenClearsAtItsBound() {
    let cache = PieceCache()
    #expect(cache.slotCount == PieceCache.initialSlotCount)
    // Past half of the first size: the table doubles and keeps every entry (long probe chains).
    let grown = PieceCache.initialSlotCount / 2 + 1_000
    for i in 0..<grown { Self.insert(cache, Self.piece(i), Self.ids(i)) }
    #expect(cache.slotCount == 2 * PieceCache.initialSlotCount)
    #expect(cache.used == grown)
    for i in stride(from: 0, to: grown, by: 7) {
      #expect(Self.lookup(cache, Self.piece(i)) == Self.ids(i))
    }
    // Fill to half of the largest size: the next insert clears instead of growing.
    let full = PieceCache.maximumSlotCount / 2
    for i in grown..<full { Self.insert(cache, Self.piece(i), Self.ids(i)) }
    #expect(cache.slotCount == PieceCache.maximumSlotCount)
    #expect(cache.used == full)
    #expect(Self.lookup(cache, Self.piece(full - 1)) == Self.ids(full - 1))
    Self.insert(cache, Self.piece(full), Self.ids(full))
    #expect(cache.slotCount == PieceCache.maximumSlotCount)
    #expect(cache.used == 1)
    #expect(Self.lookup(cache, Self.piece(0)) == nil)
    #expect(Self.lookup(cache, Self.piece(full - 1)) == nil)
    #expect(Self.lookup(cache, Self.piece(full)) == Self.ids(full))
  }

  @Test func keepsTokensInlineOrAside() {
    let cache = PieceCache()
    // Two to four IDs below 2^24 sit in the slot; one ID, larger IDs and longer lists in the
    // side array.
    let cases: [([UInt8], [Int])] = [
      (Array("ab".utf8), [0]), (Array("abc".utf8), [0, 0]),
      (Array("abcd".utf8), [(1 << 24) - 1, (1 << 24) - 2]), (Array("abcde".utf8), [1 << 24]),
      (Array("abcdef".utf8), [5, 1 << 30]), (Array("abcdefg".utf8), [1, 2, 3]),
      (Array("abcdefgh".utf8), Array(0..<127)), (Array("bcd".utf8), [7, 0, (1 << 24) - 1]),
      (Array("bcde".utf8), [9, 8, 7, 6]), (Array("bcdef".utf8), [(1 << 24) - 1, 1, 2, 3]),
      (Array("bcdefg".utf8), [1, 2, 3, 1 << 24]), (Array("bcdefgh".utf8), [1, 2, 3, 4, 5]),
      (Array("cd".utf8), [0, 0, 0, 0]),
    ]
    for (piece, ids) in cases { Self.insert(cache, piece, ids) }
    for (piece, ids) in cases {
      #expect(Self.lookup(cache, piece) == ids, "\(ids)")
      #expect(Self.lookup(cache, piece, padding: 16) == ids, "\(ids)")
    }
    // A piece of 128 tokens or more is not kept.
    Self.insert(cache, Array("abcdefghi".utf8), Array(0..<128))
    #expect(Self.lookup(cache, Array("abcdefghi".utf8)) == nil)
    #expect(cache.used == cases.count)
  }
}
