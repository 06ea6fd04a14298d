// A per-thread cache of piece → token IDs for pieces that needed merging.

/// Remembers the tokens of recently merged pieces of 2–16 bytes, so a repeated word that is
/// not a single token ("naïve", " tokenizer") is merged once, then copied.
///
/// Open addressing. The table starts at 2^16 slots and doubles whenever it is half full, up
/// to 2^18 slots (131,072 pieces, about 6 MB plus their tokens); at that size a half-full
/// table is cleared instead, which keeps the cache bounded whatever the input. Keys are the
/// piece bytes packed into two words plus the length. Owned by one `Workspace`, so never shared
/// between threads.
final class PieceCache {
  static let initialSlotCount = 1 << 16
  static let maximumSlotCount = 1 << 18
  static let maxPieceLength = 16
  private(set) var slotCount = PieceCache.initialSlotCount
  private var first: UnsafeMutablePointer<UInt64>
  private var second: UnsafeMutablePointer<UInt64>
  /// `length << 56 | tokenStart << 8 | tokenCount`; 0 = empty slot.
  private var meta: UnsafeMutablePointer<UInt64>
  private var tokens: [Int] = []
  private(set) var used = 0

  init() {
    (first, second, meta) = Self.allocate(slotCount)
    tokens.reserveCapacity(slotCount * 2)
  }

  private static func allocate(_ count: Int) -> (
    UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>
  ) {
    let first = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
    let second = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
    let meta = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
    first.initialize(repeating: 0, count: count)
    second.initialize(repeating: 0, count: count)
    meta.initialize(repeating: 0, count: count)
    return (first, second, meta)
  }

  deinit {
    first.deallocate()
    second.deallocate()
    meta.deallocate()
  }

  @inline(__always)
  private static func pack(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int)
    -> (UInt64, UInt64)
  {
    if readable >= 16 {
      let raw = UnsafeRawPointer(bytes)
      let a = raw.loadUnaligned(as: UInt64.self)
      let b = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
      if length >= 8 {
        let bits = UInt64(8 * (length - 8))
        return (a, length == 16 ? b : b & ((1 &<< bits) &- 1))
      }
      return (a & ((1 &<< UInt64(8 * length)) &- 1), 0)
    }
    var a: UInt64 = 0
    var b: UInt64 = 0
    for i in 0..<min(length, 8) { a |= UInt64(bytes[i]) << UInt64(8 * i) }
    if length > 8 { for i in 8..<length { b |= UInt64(bytes[i]) << UInt64(8 * (i - 8)) } }
    return (a, b)
  }

  @inline(__always)
  private static func hash(_ a: UInt64, _ b: UInt64, _ length: Int) -> Int {
    let h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
    return Int(truncatingIfNeeded: (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9 >> 40)
  }

  /// Appends the cached tokens of the piece to `out` and returns true, or returns false.
  @inline(__always)
  func appendCached(
    _ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int, into out: inout [Int]
  ) -> Bool {
    let (a, b) = Self.pack(bytes, length, readable: readable)
    let mask = slotCount - 1
    var s = Self.hash(a, b, length) & mask
    while true {
      let m = meta[s]
      if m == 0 { return false }
      if Int(m >> 56) == length && first[s] == a && second[s] == b {
        let start = Int((m >> 8) & 0xFFFF_FFFF)
        let count = Int(m & 0xFF)
        tokens.withUnsafeBufferPointer { out.append(contentsOf: $0[start..<(start + count)]) }
        return true
      }
      s = (s + 1) & mask
    }
  }

  /// Remembers the tokens `ids` of the piece.
  func insert(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int, ids: ArraySlice<Int>) {
    guard ids.count < 256 else { return }
    if used >= slotCount / 2 {
      if slotCount < Self.maximumSlotCount {
        grow()
      } else {
        meta.update(repeating: 0, count: slotCount)
        tokens.removeAll(keepingCapacity: true)
        used = 0
      }
    }
    let (a, b) = Self.pack(bytes, length, readable: readable)
    place(a, b, UInt64(length) << 56 | UInt64(tokens.count) << 8 | UInt64(ids.count))
    tokens.append(contentsOf: ids)
    used += 1
  }

  private func place(_ a: UInt64, _ b: UInt64, _ m: UInt64) {
    let mask = slotCount - 1
    var s = Self.hash(a, b, Int(m >> 56)) & mask
    while meta[s] != 0 { s = (s + 1) & mask }
    first[s] = a
    second[s] = b
    meta[s] = m
  }

  /// Doubles the table and re-inserts every entry (their tokens stay where they are).
  private func grow() {
    let (oldFirst, oldSecond, oldMeta, oldCount) = (first, second, meta, slotCount)
    slotCount *= 2
    (first, second, meta) = Self.allocate(slotCount)
    for s in 0..<oldCount where oldMeta[s] != 0 { place(oldFirst[s], oldSecond[s], oldMeta[s]) }
    oldFirst.deallocate()
    oldSecond.deallocate()
    oldMeta.deallocate()
  }
}
