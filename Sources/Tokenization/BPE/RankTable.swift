// The byte-sequence → rank map at the heart of byte-pair encoding.
import CEmbeddingKernels
import EmbeddingCore
import Foundation

/// An immutable hash map from byte sequences to ranks (token IDs), and back.
///
/// Three open-addressing tables (linear probing, load ≤ 2/3), each slot holding its key and
/// rank together so a lookup touches one cache line:
/// - tokens of 2–7 bytes: the bytes and the length packed in one `UInt64`;
/// - tokens of 8–16 bytes: two words and the length, compared without `memcmp`;
/// - longer tokens: a hash, then `memcmp` against the byte arena.
/// Single bytes are a 256-entry array. Read-only after construction, so it is shared between
/// threads without locks; hot loops use the pointer-only `RankLookup` view (no reference
/// counting).
final class RankTable: @unchecked Sendable {
  static let absent = UInt32.max

  /// The pointer view used by the encoder's hot loops.
  let lookup: RankLookup
  /// All token bytes, concatenated in rank order.
  let arena: UnsafeMutablePointer<UInt8>
  /// Token `r` is `arena[offsets[r] ..< offsets[r + 1]]`; a missing rank has an empty range.
  let offsets: UnsafeMutablePointer<Int>
  /// One more than the largest rank.
  let rankLimit: Int
  /// The number of tokens.
  let count: Int

  var byteRanks: UnsafeMutablePointer<UInt32> { lookup.byteRanks }

  /// Builds the table from `(bytes, rank)` pairs.
  ///
  /// Ranks need not be dense.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` on a duplicate token, a duplicate rank or an
  ///   empty token (the caller maps it to a file line).
  init(tokens: [(bytes: [UInt8], rank: Int)]) throws {
    var limit = 0
    var totalBytes = 0
    var longest = 0
    var counts = (short: 0, medium: 0, long: 0)
    for (bytes, rank) in tokens {
      guard !bytes.isEmpty else { throw EmbeddingError.invalidArgument("empty token") }
      guard rank >= 0 && rank < Int(UInt32.max) else {
        throw EmbeddingError.invalidArgument("rank \(rank) out of range")
      }
      limit = max(limit, rank + 1)
      totalBytes += bytes.count
      longest = max(longest, bytes.count)
      switch bytes.count {
      case 1: break
      case 2...7: counts.short += 1
      case 8...16: counts.medium += 1
      default: counts.long += 1
      }
    }
    // Tables are indexed by rank, so ranks must be dense: one damaged rank such as 9999999999
    // in a 300-token file would otherwise allocate 80 GB (the fuzzer's out-of-memory kill).
    guard limit <= 2 * tokens.count + (1 << 16) else {
      throw EmbeddingError.invalidArgument(
        "the largest rank, \(limit - 1), is far beyond the \(tokens.count) tokens: ranks must "
          + "run from 0 with few gaps (is the vocabulary file damaged?)")
    }
    rankLimit = limit
    count = tokens.count

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

    var builder = RankLookup(
      shortCapacity: Self.capacity(for: counts.short),
      mediumCapacity: Self.capacity(for: counts.medium),
      longCapacity: Self.capacity(for: counts.long), arena: arena, offsets: offsets,
      maxTokenLength: longest)
    do {
      for (bytes, rank) in tokens {
        try builder.insert(arena + offsets[rank], bytes.count, rank: UInt32(rank))
      }
    } catch {
      builder.deallocate()
      arena.deallocate()
      offsets.deallocate()
      throw error
    }
    lookup = builder
  }

  deinit {
    lookup.deallocate()
    arena.deallocate()
    offsets.deallocate()
  }

  private static func capacity(for count: Int) -> Int {
    var capacity = 16
    while capacity * 2 < count * 3 { capacity <<= 1 }
    return capacity
  }

  /// The rank of `bytes[0..<length]`, or `absent` (see `RankLookup.rank`).
  @inline(__always)
  func rank(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> UInt32 {
    lookup.rank(bytes, length, readable: readable)
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

/// A slot of the 2–7 byte table: packed key (bytes | length << 56; 0 = empty) and rank.
struct ShortSlot {
  var key: UInt64
  var rank: UInt32
}

/// A slot of the 8–16 byte table: the bytes in two words, the length (0 = empty), the rank.
struct MediumSlot {
  var first: UInt64
  var second: UInt64
  var length: UInt32
  var rank: UInt32
}

/// A slot of the >16 byte table: hash (0 = empty) and rank.
struct LongSlot {
  var hash: UInt64
  var rank: UInt32
}

/// The pointers of a `RankTable`, for hot loops (a plain struct: copying it costs no reference
/// counting).
///
/// Valid while its `RankTable` is alive.
struct RankLookup {
  let byteRanks: UnsafeMutablePointer<UInt32>
  let short: UnsafeMutablePointer<ShortSlot>
  let shortMask: Int
  let medium: UnsafeMutablePointer<MediumSlot>
  let mediumMask: Int
  let long: UnsafeMutablePointer<LongSlot>
  let longMask: Int
  let arena: UnsafeMutablePointer<UInt8>
  let offsets: UnsafeMutablePointer<Int>
  let maxTokenLength: Int

  init(
    shortCapacity: Int, mediumCapacity: Int, longCapacity: Int,
    arena: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<Int>, maxTokenLength: Int
  ) {
    byteRanks = .allocate(capacity: 256)
    byteRanks.initialize(repeating: RankTable.absent, count: 256)
    short = TableMemory.allocate(ShortSlot.self, count: shortCapacity)
    short.initialize(repeating: ShortSlot(key: 0, rank: 0), count: shortCapacity)
    shortMask = shortCapacity - 1
    medium = TableMemory.allocate(MediumSlot.self, count: mediumCapacity)
    medium.initialize(
      repeating: MediumSlot(first: 0, second: 0, length: 0, rank: 0), count: mediumCapacity)
    mediumMask = mediumCapacity - 1
    long = TableMemory.allocate(LongSlot.self, count: longCapacity)
    long.initialize(repeating: LongSlot(hash: 0, rank: 0), count: longCapacity)
    longMask = longCapacity - 1
    self.arena = arena
    self.offsets = offsets
    self.maxTokenLength = maxTokenLength
  }

  func deallocate() {
    byteRanks.deallocate()
    TableMemory.deallocate(short)
    TableMemory.deallocate(medium)
    TableMemory.deallocate(long)
  }

  @inline(__always)
  static func slot(_ key: UInt64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  /// Bytes `0..<min(length, 8)` and `8..<length` as two little-endian words (zero-padded).
  ///
  /// With `readable` ≥ 16 two unaligned loads do it.
  @inline(__always)
  static func pack(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> (
    UInt64, UInt64
  ) {
    if readable >= 16 {
      let raw = UnsafeRawPointer(bytes)
      let a = raw.loadUnaligned(as: UInt64.self).littleEndian
      if length < 8 { return (a & ((1 &<< (8 &* UInt64(length))) &- 1), 0) }
      let b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
      let bits = 8 &* UInt64(length &- 8)
      return (a, bits >= 64 ? b : b & ((1 &<< bits) &- 1))
    }
    var a: UInt64 = 0
    var b: UInt64 = 0
    for i in 0..<min(length, 8) { a |= UInt64(bytes[i]) << UInt64(8 * i) }
    if length > 8 { for i in 8..<length { b |= UInt64(bytes[i]) << UInt64(8 * (i - 8)) } }
    return (a, b)
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
      hash =
        (hash ^ raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
        &* 0xC4CE_B9FE_1A85_EC53
      hash ^= hash >> 31
    }
    return hash | 1
  }

  /// Starts loading the hash slot that `rank(bytes, length, readable:)` will probe first (a cache
  /// hint only; the encoder issues it one piece ahead).
  @inline(__always)
  func prefetch(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) {
    if length >= 2 && length <= 7 {
      let key = Self.pack(bytes, length, readable: readable).0 | UInt64(length) << 56
      ek_prefetch(short + Self.slot(key, shortMask))
    } else if length >= 8 && length <= 16 {
      let (a, b) = Self.pack(bytes, length, readable: readable)
      ek_prefetch(medium + Self.slot(a ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length), mediumMask))
    }
  }

  /// Prefetches the first slot `rank(packed:_:_:from:)` probes for a piece of 2–16 bytes packed
  /// as `(a, b)` by `pack`, and returns it (so the lookup does not hash the piece again).
  @inline(__always)
  func prefetchSlot(packed a: UInt64, _ b: UInt64, _ length: Int) -> Int {
    if length <= 7 {
      let s = Self.slot(a | UInt64(length) << 56, shortMask)
      ek_prefetch(short + s)
      return s
    }
    let s = Self.slot(a ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length), mediumMask)
    ek_prefetch(medium + s)
    return s
  }

  /// `rank` for a piece of 2–16 bytes packed as `(a, b)`, probing from the slot
  /// `prefetchSlot(packed:_:_:)` returned.
  @inline(__always)
  func rank(packed a: UInt64, _ b: UInt64, _ length: Int, from first: Int) -> UInt32 {
    var s = first
    if length <= 7 {
      let key = a | UInt64(length) << 56
      while true {
        let slot = short[s]
        if slot.key == key { return slot.rank }
        if slot.key == 0 { return RankTable.absent }
        s = (s + 1) & shortMask
      }
    }
    while true {
      let slot = medium[s]
      if slot.length == 0 { return RankTable.absent }
      if slot.first == a && slot.second == b && Int(slot.length) == length { return slot.rank }
      s = (s + 1) & mediumMask
    }
  }

  /// The rank of `bytes[0..<length]`, or `RankTable.absent`.
  ///
  /// `readable` ≥ `length` is how many bytes may be read from `bytes` (lets keys load whole words).
  ///
  /// - Complexity: O(1) expected for tokens up to 16 bytes, O(length) beyond.
  @inline(__always)
  func rank(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> UInt32 {
    if length <= 7 {
      if length == 1 { return byteRanks[Int(bytes[0])] }
      let key = Self.pack(bytes, length, readable: readable).0 | UInt64(length) << 56
      var s = Self.slot(key, shortMask)
      while true {
        let slot = short[s]
        if slot.key == key { return slot.rank }
        if slot.key == 0 { return RankTable.absent }
        s = (s + 1) & shortMask
      }
    }
    if length <= 16 { return mediumRank(bytes, length, readable: readable) }
    return longRank(bytes, length)
  }

  @inline(__always)
  private func mediumRank(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> UInt32 {
    let (a, b) = Self.pack(bytes, length, readable: readable)
    var s = Self.slot(a ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length), mediumMask)
    while true {
      let slot = medium[s]
      if slot.length == 0 { return RankTable.absent }
      if slot.first == a && slot.second == b && Int(slot.length) == length { return slot.rank }
      s = (s + 1) & mediumMask
    }
  }

  @inline(never)
  private func longRank(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
    if length > maxTokenLength { return RankTable.absent }
    let hash = Self.longHash(bytes, length)
    var s = Self.slot(hash, longMask)
    while true {
      let slot = long[s]
      if slot.hash == 0 { return RankTable.absent }
      let rank = Int(slot.rank)
      if slot.hash == hash && offsets[rank + 1] - offsets[rank] == length
        && memcmp(arena + offsets[rank], bytes, length) == 0
      {
        return slot.rank
      }
      s = (s + 1) & longMask
    }
  }

  /// Adds one token (construction only).
  mutating func insert(_ bytes: UnsafePointer<UInt8>, _ length: Int, rank: UInt32) throws {
    guard self.rank(bytes, length, readable: length) == RankTable.absent else {
      throw EmbeddingError.invalidArgument("token given twice (rank \(rank))")
    }
    switch length {
    case 1:
      byteRanks[Int(bytes[0])] = rank
    case 2...7:
      let key = Self.pack(bytes, length, readable: length).0 | UInt64(length) << 56
      var s = Self.slot(key, shortMask)
      while short[s].key != 0 { s = (s + 1) & shortMask }
      short[s] = ShortSlot(key: key, rank: rank)
    case 8...16:
      let (a, b) = Self.pack(bytes, length, readable: length)
      var s = Self.slot(a ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length), mediumMask)
      while medium[s].length != 0 { s = (s + 1) & mediumMask }
      medium[s] = MediumSlot(first: a, second: b, length: UInt32(length), rank: rank)
    default:
      let hash = Self.longHash(bytes, length)
      var s = Self.slot(hash, longMask)
      while long[s].hash != 0 { s = (s + 1) & longMask }
      long[s] = LongSlot(hash: hash, rank: rank)
    }
  }
}
