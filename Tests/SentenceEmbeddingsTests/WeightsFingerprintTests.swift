import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import SentenceEmbeddings

/// The fingerprint read in chunks equals the hash of the whole file's bytes at once (indexes
/// store it, so it must not change with how the file is read), and it tells files apart.
@Suite struct WeightsFingerprintTests {
  @Test(arguments: [0, 7, 8, 1 << 20, (1 << 20) + 3, (3 << 20) + 13])
  func chunkedReadMatchesOneShotHash(size: Int) throws {
    let dir = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("w.bin").path
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let oneShot = bytes.withUnsafeBytes { WeightsFingerprint.hash($0) }
    let hex = String(oneShot, radix: 16)
    #expect(
      try WeightsFingerprint.of(path: path) == String(repeating: "0", count: 16 - hex.count) + hex)
    if size > 0 {
      var changed = bytes
      changed[size / 2] ^= 1
      try Data(changed).write(to: URL(fileURLWithPath: path))
      #expect(
        try WeightsFingerprint.of(path: path) != String(repeating: "0", count: 16 - hex.count) + hex
      )
    }
  }

  @Test func missingFileIsAnIOError() {
    #expect(throws: EmbeddingError.self) {
      _ = try WeightsFingerprint.of(path: "/nonexistent/w.bin")
    }
  }
}
