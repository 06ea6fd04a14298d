import EmbeddingCore
import Foundation

/// A stable hex fingerprint of a matrix (FNV-1a 64 over its shape and float bits), so a model
/// fitted on some vectors can tell when it is used with others.
///
/// - Complexity: O(rows × columns).
func matrixFingerprint(_ matrix: Matrix) -> String {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  @inline(__always) func mix(_ v: UInt64) {
    h ^= v
    h = h &* 0x0000_0100_0000_01B3
  }
  mix(UInt64(matrix.rows))
  mix(UInt64(matrix.columns))
  let count = matrix.count
  let raw = UnsafeRawPointer(matrix.baseAddress)
  var i = 0
  while i + 2 <= count {
    mix(raw.loadUnaligned(fromByteOffset: i * 4, as: UInt64.self))
    i += 2
  }
  if i < count { mix(UInt64(matrix.baseAddress[i].bitPattern)) }
  return String(h, radix: 16)
}
