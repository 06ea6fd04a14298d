// The byte-sequence → rank map at the heart of byte-pair encoding.
import EmbeddingCore
import Foundation

/// An immutable hash map from byte sequences to ranks (token IDs), and back.
///
/// Keys of up to 7 bytes are packed with their length into one `UInt64` and found with a
/// single compare; longer keys live in a byte arena and are compared with `memcmp`. Both
/// tables use open addressing (linear probing) at a load factor of at most 1/2.
/// Read-only after construction, so it is shared between threads without locks.
final class RankTable: @unchecked Sendable {
  static let absent = UInt32.max

  /// The rank of each single byte (`absent` if the vocabulary lacks it).
  let byteRanks: UnsafeMutablePointer<UInt32>
  private let shortKeys: UnsafeMutablePointer<UInt64>
  private let shortRanks: UnsafeMutablePointer<UInt32>
  private let shortMask: Int
  private let longHashes: UnsafeMutablePointer<UInt64>
  private let longEntries: UnsafeMutablePointer<Int>  // index into tokens, or -1
  private let longMask: Int
  /// All token bytes, concatenated in rank order.
  let arena: UnsafeMutablePointer<UInt8>
  /// Token `r` is `arena[offsets[r] ..< offsets[r + 1]]`; a missing rank has an empty range.
  let offsets: UnsafeMutablePointer<Int>
  /// One more than the largest rank.
  let rankLimit: Int
  /// The number of tokens.
  let count: Int
  /// The longest token, in bytes.
  let maxTokenLength: Int

  /// Builds the table from `(bytes, rank)` pairs. Ranks need not be dense.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` on a duplicate token, a duplicate rank or an
  ///   empty token (the caller maps the index back to a file line).
  init(tokens: [(bytes: [UInt8], rank: Int)]) throws {
    var limit = 0
    var totalBytes = 0
    var longest = 0
    for (bytes, rank) in tokens {
      guard !bytes.isEmpty else { throw EmbeddingError.invalidArgument("empty token") }
      guard rank >= 0 && rank < Int(UInt32.max) else {
        throw EmbeddingError.invalidArgument("rank \(rank) out of range")
      }
      limit = max(limit, rank + 1)
      totalBytes += bytes.count
      longest = max(longest, bytes.count)
    }
    rankLimit = limit
    count = tokens.count
    maxTokenLength = longest

    // Decoder: tokens by rank.
    var byRank = [Int](repeating: -1, count: limit)
    for (index, token) in tokens.enumerated() {
      guard byRank[token.rank] < 0 else {
        throw EmbeddingError.invalidArgument("rank \(token.rank) is given twice")
      }
      byRank[token.rank] = index
    }
    arena = .allocate(capacity: max(totalBytes, 1))
    offsets = .allocate(capacity: limit + 1)
    var offset = 0
    for rank in 0..<limit {
      offsets[rank] = offset
      let index = byRank[rank]
      if index >= 0 {
        for b in tokens[index].bytes {
          arena[offset] = b
          offset += 1
        }
      }
    }
    offsets[limit] = offset

    byteRanks = .allocate(capacity: 256)
    byteRanks.initialize(repeating: Self.absent, count: 256)

    var shortCount = 0
    for token in tokens where token.bytes.count <= 7 { shortCount += 1 }
    let shortCapacity = Self.capacity(for: shortCount)
    shortMask = shortCapacity - 1
    shortKeys = .allocate(capacity: shortCapacity)
    shortKeys.initialize(repeating: 0, count: shortCapacity)
    shortRanks = .allocate(capacity: shortCapacity)
    shortRanks.initialize(repeating: Self.absent, count: shortCapacity)

    let longCapacity = Self.capacity(for: tokens.count - shortCount)
    longMask = longCapacity - 1
    longHashes = .allocate(capacity: longCapacity)
    longHashes.initialize(repeating: 0, count: longCapacity)
    longEntries = .allocate(capacity: longCapacity)
    longEntries.initialize(repeating: -1, count: longCapacity)

    for (bytes, rank) in tokens {
      if bytes.count == 1 { byteRanks[Int(bytes[0])] = UInt32(rank) }
      let start = offsets[rank]
      if bytes.count <= 7 {
        let key = Self.packSlow(arena + start, bytes.count)
        var slot = Self.slot(key, shortMask)
        while shortKeys[slot] != 0 {
          guard shortKeys[slot] != key else {
            throw EmbeddingError.invalidArgument("token given twice (rank \(rank))")
          }
          slot = (slot + 1) & shortMask
        }
        shortKeys[slot] = key
        shortRanks[slot] = UInt32(rank)
      } else {
        let hash = Self.longHash(arena + start, bytes.count)
        var slot = Self.slot(hash, longMask)
        while longEntries[slot] >= 0 {
          let other = longEntries[slot]
          if longHashes[slot] == hash && offsets[other + 1] - offsets[other] == bytes.count
            && memcmp(arena + offsets[other], arena + start, bytes.count) == 0
          {
            throw EmbeddingError.invalidArgument("token given twice (rank \(rank))")
          }
          slot = (slot + 1) & longMask
        }
        longHashes[slot] = hash
        longEntries[slot] = rank
      }
    }
  }

  deinit {
    byteRanks.deallocate()
    shortKeys.deallocate()
    shortRanks.deallocate()
    longHashes.deallocate()
    longEntries.deallocate()
    arena.deallocate()
    offsets.deallocate()
  }

  private static func capacity(for count: Int) -> Int {
    var capacity = 16
    while capacity < count * 2 { capacity <<= 1 }
    return capacity
  }

  @inline(__always)
  private static func slot(_ key: UInt64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  @inline(__always)
  private static func packSlow(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
    var key = UInt64(length) << 56
    for i in 0..<length { key |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    return key
  }

  /// `length` (1...7) bytes and the length in one word. `readable` is how many bytes may be
  /// read from `bytes` (at least `length`): with 8 or more, one unaligned load does it.
  @inline(__always)
  static func pack(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> UInt64 {
    if readable >= 8 {
      let word = UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self).littleEndian
      return (word & ((1 &<< (8 &* UInt64(length))) &- 1)) | UInt64(length) << 56
    }
    return packSlow(bytes, length)
  }

  @inline(__always)
  static func longHash(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
    let raw = UnsafeRawPointer(bytes)
    var hash = UInt64(length) &* 0x9E37_79B9_7F4A_7C15
    var i = 0
    while i + 8 <= length {
      hash = (hash ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      hash ^= hash >> 29
      i += 8
    }
    if i < length {
      hash = (hash ^ raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
        &* 0xC4CE_B9FE_1A85_EC53
      hash ^= hash >> 31
    }
    return hash | 1
  }

  /// The rank of `bytes[0..<length]`, or `absent`. `readable` ≥ `length` is how many bytes
  /// may be read from `bytes` (lets short keys load one word instead of a byte loop).
  ///
  /// - Complexity: O(length), expected one probe.
  @inline(__always)
  func rank(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> UInt32 {
    if length <= 7 {
      if length == 1 { return byteRanks[Int(bytes[0])] }
      let key = Self.pack(bytes, length, readable: readable)
      var slot = Self.slot(key, shortMask)
      while true {
        let stored = shortKeys[slot]
        if stored == key { return shortRanks[slot] }
        if stored == 0 { return Self.absent }
        slot = (slot + 1) & shortMask
      }
    }
    return longRank(bytes, length)
  }

  @inline(never)
  private func longRank(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
    if length > maxTokenLength { return Self.absent }
    let hash = Self.longHash(bytes, length)
    var slot = Self.slot(hash, longMask)
    while true {
      let entry = longEntries[slot]
      if entry < 0 { return Self.absent }
      if longHashes[slot] == hash && offsets[entry + 1] - offsets[entry] == length
        && memcmp(arena + offsets[entry], bytes, length) == 0
      {
        return UInt32(entry)
      }
      slot = (slot + 1) & longMask
    }
  }

  /// The bytes of token `rank`, or nil if there is no such token.
  func bytes(of rank: Int) -> UnsafeBufferPointer<UInt8>? {
    guard rank >= 0 && rank < rankLimit else { return nil }
    let start = offsets[rank]
    let end = offsets[rank + 1]
    guard end > start else { return nil }
    return UnsafeBufferPointer(start: arena + start, count: end - start)
  }
}
