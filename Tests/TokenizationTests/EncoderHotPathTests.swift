import EmbeddingCore
import Testing

@testable import Tokenization

/// The encoder's hot-path helpers: the eight-bytes-at-a-time lower-case scan and the huge-page
/// table memory.
@Suite struct EncoderHotPathTests {
  /// The byte-at-a-time definition of `O200kSplitter.lowercaseRunEnd`.
  static func lowercaseRunEnd(_ bytes: [UInt8], from index: Int) -> Int {
    var i = index
    while i < bytes.count && bytes[i] >= 0x61 && bytes[i] <= 0x7A { i += 1 }
    return i
  }

  @Test func lowercaseRunMatchesTheByteLoop() {
    // The edges of a-z, their images with the high bit set (0xE1 has the low seven bits of
    // "a"), and runs longer than one word.
    let alphabet: [UInt8] =
      [0x60, 0x61, 0x62, 0x79, 0x7A, 0x7B, 0x41, 0x5A, 0x20, 0x00, 0x7F]
      + [0xE1, 0xFA, 0xC3, 0x80, 0xFF]
    var generator = SeededGenerator(seed: 5)
    for trial in 0..<3_000 {
      let count = Int(generator.next() % 40)
      // Mostly lower-case so long runs happen, with any other byte now and then.
      let bytes = (0..<count).map { _ -> UInt8 in
        generator.next() % 6 == 0
          ? alphabet[Int(generator.next() % UInt64(alphabet.count))]
          : UInt8(0x61 + generator.next() % 26)
      }
      bytes.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return }
        for start in 0..<count {
          let got = O200kSplitter.lowercaseRunEnd(base, from: start, count)
          #expect(got == Self.lowercaseRunEnd(bytes, from: start), "trial \(trial) at \(start)")
        }
      }
    }
  }

  @Test(arguments: [1, 1_000, 1 << 17, 300_001])
  func tableMemoryIsUsableAndAligned(_ count: Int) {
    let pointer = TableMemory.allocate(UInt64.self, count: count)
    defer { TableMemory.deallocate(pointer) }
    pointer.initialize(repeating: 0, count: count)
    for i in stride(from: 0, to: count, by: 997) { pointer[i] = UInt64(i) }
    pointer[count - 1] = 42
    #expect(pointer[count - 1] == 42)
    if count > 1 { #expect(pointer[0] == 0) }
    if count >= 997 * 2 { #expect(pointer[997] == 997) }
    #if os(Linux)
      // Tables of 1 MB or more start on a 2 MB boundary, so huge pages can map them.
      if count * 8 >= 1 << 20 {
        #expect(UInt(bitPattern: pointer) % UInt(TableMemory.hugePage) == 0)
      }
    #endif
  }
}
