import Foundation

/// A 128-bit content hash (two FNV-1a 64 passes with different offsets) as 32 hex digits.
///
/// Used to notice unchanged documents and chunks; equal hashes are confirmed by the stored text where
/// it matters, so this is not a cryptographic hash.
enum ContentHash {
  /// The hash of the UTF-8 bytes of `parts`, each followed by a 0x1F separator.
  static func hex(_ parts: String...) -> String {
    var h1: UInt64 = 0xcbf2_9ce4_8422_2325
    var h2: UInt64 = 0x8422_2325_cbf2_9ce4
    let prime: UInt64 = 0x0000_0100_0000_01b3
    for part in parts {
      for byte in part.utf8 {
        h1 = (h1 ^ UInt64(byte)) &* prime
        h2 = (h2 ^ UInt64(byte ^ 0x5a)) &* prime
      }
      h1 = (h1 ^ 0x1f) &* prime
      h2 = (h2 ^ 0x1f) &* prime
    }
    return String(format: "%016llx%016llx", h1, h2)
  }
}
