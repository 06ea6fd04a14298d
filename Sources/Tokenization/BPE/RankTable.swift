// The byte-sequence → rank map at the heart of byte-pair encoding.
import EmbeddingCore
import Foundation

/// An immutable hash map from byte sequences to ranks (token IDs), and back.
///
/// Three open-addressing tables (linear probing, load ≤ 2/3), each slot holding its key and
/// rank together so a lookup touches one cache line:
/// - tokens of 1–13 bytes: 16-byte slots of the bytes, the length and the rank;
/// - tokens of 14–16 bytes: 24-byte slots, compared without `memcmp`;
/// - longer tokens: a hash, then `memcmp` against the byte arena.
/// Single bytes are also a 256-entry array. Read-only after construction, so it is shared
/// between threads without locks; hot loops use the pointer-only `RankLookup` view (no
/// reference counting).
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
    var counts = (compact: 0, wide: 0, long: 0)
    var wideHoldsShort = false
    for (bytes, rank) in tokens {
      guard !bytes.isEmpty else { throw EmbeddingError.invalidArgument("empty token") }
      guard rank >= 0 && rank < Int(UInt32.max) else {
        throw EmbeddingError.invalidArgument("rank \(rank) out of range")
      }
      limit = max(limit, rank + 1)
      totalBytes += bytes.count
      longest = max(longest, bytes.count)
      if bytes.count > RankLookup.packedLength {
        counts.long += 1
      } else if RankLookup.isCompact(bytes.count, UInt32(rank)) {
        counts.compact += 1
      } else {
        counts.wide += 1
        if bytes.count <= RankLookup.compactLength { wideHoldsShort = true }
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
      compactCapacity: Self.capacity(for: counts.compact),
      wideCapacity: Self.capacity(for: counts.wide),
      longCapacity: Self.capacity(for: counts.long), wideHoldsShort: wideHoldsShort,
      arena: arena, offsets: offsets, maxTokenLength: longest)
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
