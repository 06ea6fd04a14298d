// The hash tables behind `RankTable`, as a pointer-only view for the encoder's hot loops.
import CEmbeddingKernels
import EmbeddingCore
import Foundation

/// A slot of the compact table: a token of 1–13 bytes whose rank is below 2^19.
///
/// Bytes `0..<8` are in `first`; bytes `8..<13` in bits 0–39 of `second`, the length in bits
/// 40–44 and the rank in bits 45–63. `second` is 0 in an empty slot. Four slots to a cache line,
/// none straddling two.
struct CompactSlot {
  var first: UInt64
  var second: UInt64
}

/// A slot of the wide table (tokens of 14–16 bytes, and any token of up to 16 bytes whose rank
/// does not fit a compact slot): the bytes in two words, and `length << 32 | rank` (0 = empty).
struct WideSlot {
  var first: UInt64
  var second: UInt64
  var meta: UInt64
}

/// A slot of the >16 byte table: hash (0 = empty) and rank.
struct LongSlot {
  var hash: UInt64
  var rank: UInt32
}

/// The pointers of a `RankTable`, for hot loops (a plain struct: copying it costs no reference
/// counting).
///
/// Tokens of up to 16 bytes are keyed by the bytes packed in two words (`pack`), so every piece
/// of 1–16 bytes is found the same way, without a branch on its length class: English text is
/// 99.97% pieces of 1–16 bytes, and the old split into 2–7 and 8–16 byte tables cost a
/// mispredicted branch on about one piece in four. Open addressing with linear probing, load at
/// most 2/3. Valid while its `RankTable` is alive.
struct RankLookup {
  /// The longest piece `pack` packs (two words): longer tokens live in the long table.
  static let packedLength = 16
  /// The longest token of the compact table, and the largest rank it can hold (exclusive).
  static let compactLength = 13
  static let compactRankLimit: UInt32 = 1 << 19
  /// Where the rank starts in a compact slot's `second`; the bits below are the key (bytes and
  /// length).
  static let compactRankShift: UInt64 = 45
  static let compactKeyMask: UInt64 = (1 << compactRankShift) - 1

  let byteRanks: UnsafeMutablePointer<UInt32>
  let compact: UnsafeMutablePointer<CompactSlot>
  let compactMask: Int
  let wide: UnsafeMutablePointer<WideSlot>
  let wideMask: Int
  /// Whether some token of up to 13 bytes is in the wide table (its rank is 2^19 or more).
  ///
  /// Then a miss in the compact table must look there too. False for every shipped encoding.
  let wideHoldsShort: Bool
  let long: UnsafeMutablePointer<LongSlot>
  let longMask: Int
  let arena: UnsafeMutablePointer<UInt8>
  let offsets: UnsafeMutablePointer<Int>
  let maxTokenLength: Int

  init(
    compactCapacity: Int, wideCapacity: Int, longCapacity: Int, wideHoldsShort: Bool,
    arena: UnsafeMutablePointer<UInt8>, offsets: UnsafeMutablePointer<Int>, maxTokenLength: Int
  ) {
    byteRanks = .allocate(capacity: 256)
    byteRanks.initialize(repeating: RankTable.absent, count: 256)
    compact = TableMemory.allocate(CompactSlot.self, count: compactCapacity)
    compact.initialize(repeating: CompactSlot(first: 0, second: 0), count: compactCapacity)
    compactMask = compactCapacity - 1
    wide = TableMemory.allocate(WideSlot.self, count: wideCapacity)
    wide.initialize(repeating: WideSlot(first: 0, second: 0, meta: 0), count: wideCapacity)
    wideMask = wideCapacity - 1
    self.wideHoldsShort = wideHoldsShort
    long = TableMemory.allocate(LongSlot.self, count: longCapacity)
    long.initialize(repeating: LongSlot(hash: 0, rank: 0), count: longCapacity)
    longMask = longCapacity - 1
    self.arena = arena
    self.offsets = offsets
    self.maxTokenLength = maxTokenLength
  }

  func deallocate() {
    byteRanks.deallocate()
    TableMemory.deallocate(compact)
    TableMemory.deallocate(wide)
    TableMemory.deallocate(long)
  }

  /// Whether a token of `length` bytes and rank `rank` is kept in the compact table.
  static func isCompact(_ length: Int, _ rank: UInt32) -> Bool {
    length <= compactLength && rank < compactRankLimit
  }

  @inline(__always)
  static func slot(_ key: UInt64, _ mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }

  /// Bytes `0..<min(length, 8)` and `8..<length` (length 1...16) as two little-endian words,
  /// zero-padded.
  ///
  /// With `readable` ≥ 16 two unaligned loads and two masks do it, without a branch on the
  /// length; otherwise the bytes are gathered one by one.
  @inline(__always)
  static func pack(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> (
    UInt64, UInt64
  ) {
    if readable >= 16 {
      let raw = UnsafeRawPointer(bytes)
      let a = raw.loadUnaligned(as: UInt64.self).littleEndian
      let b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
      let bitsA = UInt64(truncatingIfNeeded: min(length, 8) &* 8)  // 8...64
      let bitsB = UInt64(truncatingIfNeeded: max(length &- 8, 0) &* 8)  // 0...64
      let maskB = bitsB == 0 ? 0 : UInt64.max &>> (64 &- bitsB)
      return (a & (UInt64.max &>> (64 &- bitsA)), b & maskB)
    }
    var a: UInt64 = 0
    var b: UInt64 = 0
    for i in 0..<min(length, 8) { a |= UInt64(bytes[i]) << UInt64(8 * i) }
    if length > 8 { for i in 8..<length { b |= UInt64(bytes[i]) << UInt64(8 * (i - 8)) } }
    return (a, b)
  }

  @inline(__always)
  private static func compactKey(_ b: UInt64, _ length: Int) -> UInt64 {
    b | UInt64(truncatingIfNeeded: length) << 40
  }

  @inline(__always)
  private func wideSlot(_ a: UInt64, _ b: UInt64, _ length: Int) -> Int {
    Self.slot(a ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: length), wideMask)
  }

  @inline(__always)
  private func compactSlot(_ a: UInt64, _ key: UInt64) -> Int {
    Self.slot(a ^ (key &* 0xC2B2_AE3D_27D4_EB4F), compactMask)
  }

  /// The first slot `rank(packed:_:_:from:)` probes for a piece of 1–16 bytes packed by `pack`:
  /// in the compact table up to `compactLength` bytes, in the wide table beyond.
  @inline(__always)
  private func firstSlot(packed a: UInt64, _ b: UInt64, _ length: Int) -> Int {
    length <= Self.compactLength
      ? compactSlot(a, Self.compactKey(b, length)) : wideSlot(a, b, length)
  }

  /// Prefetches the first slot `rank(packed:_:_:from:)` probes for a piece of 1–16 bytes packed
  /// by `pack`, and returns it (so the lookup does not hash the piece again).
  @inline(__always)
  func prefetchSlot(packed a: UInt64, _ b: UInt64, _ length: Int) -> Int {
    let s = firstSlot(packed: a, b, length)
    if length <= Self.compactLength { ek_prefetch(compact + s) } else { ek_prefetch(wide + s) }
    return s
  }

  /// The rank of a piece of 1–16 bytes packed by `pack`, probing from the slot
  /// `prefetchSlot(packed:_:_:)` returned; or `RankTable.absent`.
  @inline(__always)
  func rank(packed a: UInt64, _ b: UInt64, _ length: Int, from first: Int) -> UInt32 {
    guard length <= Self.compactLength else { return wideRank(a, b, length, from: first) }
    let key = Self.compactKey(b, length)
    var s = first
    while true {
      let slot = compact[s]
      if slot.first == a && slot.second & Self.compactKeyMask == key {
        return UInt32(truncatingIfNeeded: slot.second >> Self.compactRankShift)
      }
      if slot.second == 0 {
        return wideHoldsShort
          ? wideRank(a, b, length, from: wideSlot(a, b, length)) : RankTable.absent
      }
      s = (s &+ 1) & compactMask
    }
  }

  @inline(__always)
  private func wideRank(_ a: UInt64, _ b: UInt64, _ length: Int, from first: Int) -> UInt32 {
    let want = UInt64(truncatingIfNeeded: length) << 32
    var s = first
    while true {
      let slot = wide[s]
      if slot.meta == 0 { return RankTable.absent }
      if slot.first == a && slot.second == b && slot.meta & 0xFFFF_FFFF_0000_0000 == want {
        return UInt32(truncatingIfNeeded: slot.meta)
      }
      s = (s &+ 1) & wideMask
    }
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

  /// Starts loading the slot that `rank(bytes, length, readable:)` will probe first (a cache
  /// hint only; the merge issues it for every pair before looking any up).
  @inline(__always)
  func prefetch(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) {
    guard length >= 1 && length <= Self.packedLength else { return }
    let (a, b) = Self.pack(bytes, length, readable: readable)
    _ = prefetchSlot(packed: a, b, length)
  }

  /// The rank of `bytes[0..<length]`, or `RankTable.absent`.
  ///
  /// `readable` ≥ `length` is how many bytes may be read from `bytes` (lets keys load whole words).
  ///
  /// - Complexity: O(1) expected for tokens up to 16 bytes, O(length) beyond.
  @inline(__always)
  func rank(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) -> UInt32 {
    if length == 1 { return byteRanks[Int(bytes[0])] }
    if length <= Self.packedLength {
      let (a, b) = Self.pack(bytes, length, readable: readable)
      return rank(packed: a, b, length, from: firstSlot(packed: a, b, length))
    }
    return longRank(bytes, length)
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
    if length == 1 { byteRanks[Int(bytes[0])] = rank }
    if length <= Self.packedLength {
      let (a, b) = Self.pack(bytes, length, readable: length)
      if Self.isCompact(length, rank) {
        let key = Self.compactKey(b, length)
        var s = compactSlot(a, key)
        while compact[s].second != 0 { s = (s + 1) & compactMask }
        compact[s] = CompactSlot(first: a, second: key | UInt64(rank) << Self.compactRankShift)
      } else {
        var s = wideSlot(a, b, length)
        while wide[s].meta != 0 { s = (s + 1) & wideMask }
        wide[s] = WideSlot(first: a, second: b, meta: UInt64(length) << 32 | UInt64(rank))
      }
      return
    }
    let hash = Self.longHash(bytes, length)
    var s = Self.slot(hash, longMask)
    while long[s].hash != 0 { s = (s + 1) & longMask }
    long[s] = LongSlot(hash: hash, rank: rank)
  }
}
