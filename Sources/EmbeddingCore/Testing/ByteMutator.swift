import Foundation

/// Seeded random damage to a file's bytes, for the loader fuzzers (a test hook).
///
/// One to four edits per call: flipped and random bytes, truncation, inserted digits,
/// newlines, spaces and NULs, duplicated and deleted runs, NaN/Inf bit patterns, a huge number
/// over the first bytes, runs of 0xFF (huge little-endian counts).
///
/// ```swift
/// var mutator = _ByteMutator(seed: 7)
/// let damaged = mutator.mutate(Array("hello".utf8))
/// ```
public struct _ByteMutator {
  /// The random stream (also used by fuzzers to pick files and options).
  public var rng: SeededGenerator

  /// A mutator with a reproducible seed.
  public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

  /// A random number in `0..<n` (`n` ≥ 1).
  public mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }

  /// `original` with one to four random edits.
  public mutating func mutate(_ original: [UInt8]) -> [UInt8] {
    var b = original
    let edits = 1 + below(4)
    for _ in 0..<edits {
      guard !b.isEmpty else {
        b = [UInt8(rng.next() & 0xff)]
        continue
      }
      let at = below(b.count)
      switch rng.next() % 10 {
      case 0: b[at] ^= UInt8(1 << (rng.next() % 8))
      case 1: b[at] = UInt8(rng.next() & 0xff)
      case 2: b.removeSubrange(at...)
      case 3: b.insert(contentsOf: Array("9999999999".utf8.prefix(1 + below(10))), at: at)
      case 4: b.insert([10, 32, 9, 0][below(4)], at: at)
      case 5:
        let end = min(b.count, at + 1 + below(64))
        b.insert(contentsOf: b[at..<end], at: at)
      case 6: b.removeSubrange(at..<min(b.count, at + 1 + below(16)))
      case 7:
        // NaN / Inf bit patterns.
        let pattern: [UInt8] = rng.next() % 2 == 0 ? [0, 0, 0xc0, 0x7f] : [0, 0, 0x80, 0x7f]
        for (k, v) in pattern.enumerated() where at + k < b.count { b[at + k] = v }
      case 8:
        // A header-sized number in the first bytes.
        let digits = Array(String(rng.next() % 100_000_000_000).utf8)
        for (k, v) in digits.enumerated() where k < b.count { b[k] = v }
      default:
        for k in at..<min(b.count, at + 8) { b[k] = 0xff }
      }
    }
    return b
  }
}
