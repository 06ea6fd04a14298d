import EmbeddingCore
import Foundation

/// A stable 64-bit hash of a weights file's bytes, in hex: the encoder's fingerprint.
///
/// Reads the file (memory-mapped) 8 bytes at a time, multiply-xor mixing each word, then the
/// trailing bytes and the length; about 10 ms for 90 MB in a release build.
///
/// ```swift
/// let id = try WeightsFingerprint.of(path: "model.safetensors")   // "3f9a0c…" (16 hex digits)
/// ```
public enum WeightsFingerprint {
  /// The fingerprint of the file at `path`.
  ///
  /// - Throws: `EmbeddingError.io` if the file cannot be read.
  /// - Complexity: O(file size).
  public static func of(path: String) throws -> String {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
      throw EmbeddingError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
    }
    let value = data.withUnsafeBytes { Self.hash($0) }
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The hash of `bytes`.
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let prime: UInt64 = 0x0000_0100_0000_01B3
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    let words = bytes.count / 8
    for i in 0..<words {
      h =
        (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
        &* prime
      h ^= h >> 29
    }
    for i in words * 8..<bytes.count { h = (h ^ UInt64(bytes[i])) &* prime }
    return (h ^ UInt64(bytes.count)) &* prime
  }
}
