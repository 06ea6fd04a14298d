// A per-thread cache of piece → token IDs for pieces that needed merging.
import CEmbeddingKernels

/// Remembers the tokens of recently merged pieces of 2–16 bytes, so a repeated word that is
/// not a single token ("naïve", " tokenizer") is merged once, then copied.
///
/// Open addressing. The table starts at 2^16 slots and doubles whenever it is half full, up
/// to 2^18 slots (131,072 pieces: 6 MB of 24-byte slots plus the tokens of pieces of three or
/// more); at that size a half-full table is cleared instead, which keeps the cache bounded
/// whatever the input. A slot holds the piece bytes packed into two words and, in a third, its
/// length and either its one or two token IDs (below 2^24, as in every shipped encoding) or
/// where its tokens start in a side array: a hit on a piece of one or two tokens reads one slot
/// and nothing else. Owned by one `Workspace`, so never shared between threads.
final class PieceCache {
  static let initialSlotCount = 1 << 16
  static let maximumSlotCount = 1 << 18
  static let maxPieceLength = 16

  /// Piece bytes `0..<8` and `8..<16` (zero-padded), and `meta`: 0 for an empty slot, else
  /// `length << 56 | inline << 55 | tokenCount << 48 | payload`, where the 48-bit payload is
  /// `id0 | id1 << 24` when `inline` is set, else the tokens' start in `tokens`.
  struct Slot {
    var first: UInt64
    var second: UInt64
    var meta: UInt64
  }

  private(set) var slotCount = PieceCache.initialSlotCount
  private var slots: UnsafeMutablePointer<Slot>
  private var tokens: [Int] = []
  private(set) var used = 0

  init() {
    slots = Self.allocate(slotCount)
    tokens.reserveCapacity(slotCount)
  }

  private static func allocate(_ count: Int) -> UnsafeMutablePointer<Slot> {
    let slots = TableMemory.allocate(Slot.self, count: count)
    slots.initialize(repeating: Slot(first: 0, second: 0, meta: 0), count: count)
    return slots
  }

  deinit { TableMemory.deallocate(slots) }

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
    // The top bits of the product depend on every input bit (`x &* c >> 40` would parse as
    // `x &* (c >> 40)`, whose low bits ignore the high bytes of the key).
    return Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 40)
  }

  /// Starts loading the slot `appendCached` will probe first (a cache hint only).
  @inline(__always)
  func prefetch(_ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int) {
    let (a, b) = Self.pack(bytes, length, readable: readable)
    ek_prefetch(slots + (Self.hash(a, b, length) & (slotCount - 1)))
  }

  /// Appends the cached tokens of the piece to `out` and returns true, or returns false.
  @inline(__always)
  func appendCached<Sink: TokenSink>(
    _ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int, into out: inout Sink
  ) -> Bool {
    let (a, b) = Self.pack(bytes, length, readable: readable)
    let mask = slotCount - 1
    var s = Self.hash(a, b, length) & mask
    while true {
      let slot = slots[s]
      if slot.meta == 0 { return false }
      if Int(slot.meta >> 56) == length && slot.first == a && slot.second == b {
        let count = Int((slot.meta >> 48) & 0x7F)
        let payload = slot.meta & Self.payloadMask
        if slot.meta & Self.inlineFlag != 0 {
          out.append(Int(payload & 0xFF_FFFF))
          if count == 2 { out.append(Int(payload >> 24)) }
        } else {
          let start = Int(payload)
          tokens.withUnsafeBufferPointer {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<(start + count)]))
          }
        }
        return true
      }
      s = (s + 1) & mask
    }
  }

  static let inlineFlag: UInt64 = 1 << 55
  static let payloadMask: UInt64 = (1 << 48) - 1

  /// Remembers the tokens `ids` of the piece (pieces of 128 tokens or more are not kept).
  func insert(
    _ bytes: UnsafePointer<UInt8>, _ length: Int, readable: Int, ids: UnsafeBufferPointer<Int>
  ) {
    guard !ids.isEmpty && ids.count < 128 else { return }
    if used >= slotCount / 2 {
      if slotCount < Self.maximumSlotCount {
        grow()
      } else {
        slots.update(repeating: Slot(first: 0, second: 0, meta: 0), count: slotCount)
        tokens.removeAll(keepingCapacity: true)
        used = 0
      }
    }
    let (a, b) = Self.pack(bytes, length, readable: readable)
    var meta = UInt64(length) << 56 | UInt64(ids.count) << 48
    if ids.count <= 2 && ids.allSatisfy({ $0 >= 0 && $0 < 1 << 24 }) {
      meta |= Self.inlineFlag | UInt64(ids[ids.startIndex])
      if ids.count == 2 { meta |= UInt64(ids[ids.startIndex + 1]) << 24 }
    } else {
      meta |= UInt64(tokens.count)
      tokens.append(contentsOf: ids)
    }
    place(Slot(first: a, second: b, meta: meta))
    used += 1
  }

  private func place(_ slot: Slot) {
    let mask = slotCount - 1
    var s = Self.hash(slot.first, slot.second, Int(slot.meta >> 56)) & mask
    while slots[s].meta != 0 { s = (s + 1) & mask }
    slots[s] = slot
  }

  /// Doubles the table and re-inserts every entry (their tokens stay where they are).
  private func grow() {
    let (old, oldCount) = (slots, slotCount)
    slotCount *= 2
    slots = Self.allocate(slotCount)
    for s in 0..<oldCount where old[s].meta != 0 { place(old[s]) }
    TableMemory.deallocate(old)
  }
}
