// A per-thread cache of piece → token IDs for pieces that needed merging.
import CEmbeddingKernels

/// Remembers the tokens of recently merged pieces of 2–16 bytes, so a repeated word that is
/// not a single token ("naïve", " tokenizer") is merged once, then copied.
///
/// Open addressing. The table starts at 2^16 slots and doubles whenever it is half full, up
/// to 2^18 slots (131,072 pieces: 8 MB of 32-byte slots plus the tokens of pieces of five or
/// more); at that size a half-full table is cleared instead, which keeps the cache bounded
/// whatever the input. A slot holds the piece bytes packed into two words (as
/// `RankLookup.pack` packs them), and in the other two its length and either its two to four
/// token IDs (below 2^24, as in every shipped encoding) or where its tokens start in a side
/// array. So a hit on a piece of up to four tokens (99% of them in English text) reads one
/// 32-byte slot, which never straddles two cache lines: the encoder's prefetch brings all of it.
/// Owned by one `Workspace`, so never shared between threads.
final class PieceCache {
  static let initialSlotCount = 1 << 16
  static let maximumSlotCount = 1 << 18
  /// Pieces are keyed as `RankLookup.pack` packs them, so they are 2–16 bytes long.
  static let maxPieceLength = RankLookup.packedLength

  /// Whether pieces of `length` bytes are kept (the encoder merges longer ones every time).
  @inline(__always)
  static func holds(_ length: Int) -> Bool { length >= 2 && length <= maxPieceLength }

  /// Piece bytes `0..<8` and `8..<16` (zero-padded), and `meta`: 0 for an empty slot, else
  /// `length << 56 | inline << 55 | tokenCount << 48 | payload`, where the 48-bit payload is
  /// `id0 | id1 << 24` when `inline` is set (and `more` is `id2 | id3 << 32`), else the tokens'
  /// start in `tokens`.
  struct Slot {
    var first: UInt64
    var second: UInt64
    var meta: UInt64
    var more: UInt64

    static let empty = Slot(first: 0, second: 0, meta: 0, more: 0)
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
    slots.initialize(repeating: .empty, count: count)
    return slots
  }

  deinit { TableMemory.deallocate(slots) }

  @inline(__always)
  private static func hash(_ a: UInt64, _ b: UInt64, _ length: Int) -> Int {
    let h = (a &* 0x9E37_79B9_7F4A_7C15) ^ (b &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
    // The top bits of the product depend on every input bit (`x &* c >> 40` would parse as
    // `x &* (c >> 40)`, whose low bits ignore the high bytes of the key).
    return Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9) >> 40)
  }

  /// Starts loading the slot `appendCached` will probe first for a piece packed as `(a, b)` by
  /// `RankLookup.pack` (a cache hint only).
  @inline(__always)
  func prefetch(packed a: UInt64, _ b: UInt64, _ length: Int) {
    ek_prefetch(slots + (Self.hash(a, b, length) & (slotCount - 1)))
  }

  /// Appends the cached tokens of the piece packed as `(a, b)` by `RankLookup.pack` to `out` and
  /// returns true, or returns false.
  @inline(__always)
  func appendCached<Sink: TokenSink>(
    packed a: UInt64, _ b: UInt64, _ length: Int, into out: inout Sink
  ) -> Bool {
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
          out.append(Int(payload >> 24))
          if count >= 3 {
            out.append(Int(slot.more & 0xFFFF_FFFF))
            if count == 4 { out.append(Int(slot.more >> 32)) }
          }
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

  /// Remembers the tokens `ids` of the piece packed as `(a, b)` by `RankLookup.pack` (pieces of
  /// 128 tokens or more are not kept).
  func insert(packed a: UInt64, _ b: UInt64, _ length: Int, ids: UnsafeBufferPointer<Int>) {
    guard !ids.isEmpty && ids.count < 128 else { return }
    if used >= slotCount / 2 {
      if slotCount < Self.maximumSlotCount {
        grow()
      } else {
        slots.update(repeating: .empty, count: slotCount)
        tokens.removeAll(keepingCapacity: true)
        used = 0
      }
    }
    var meta = UInt64(length) << 56 | UInt64(ids.count) << 48
    var more: UInt64 = 0
    if ids.count >= 2 && ids.count <= 4 && ids.allSatisfy({ $0 >= 0 && $0 < 1 << 24 }) {
      let id = ids.map { UInt64($0) } + [0, 0]
      meta |= Self.inlineFlag | id[0] | id[1] << 24
      more = id[2] | id[3] << 32
    } else {
      meta |= UInt64(tokens.count)
      tokens.append(contentsOf: ids)
    }
    place(Slot(first: a, second: b, meta: meta, more: more))
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
