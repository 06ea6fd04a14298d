import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Tokenization

/// Property tests: decode(encode(x)) == x for random text and random bytes.
@Suite struct RoundTripTests {
  static func randomText(_ generator: inout SeededGenerator, length: Int) -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<length {
      let r = generator.next() % 10
      let value: UInt32
      switch r {
      case 0...3: value = 0x20 + UInt32(generator.next() % 0x5F)
      case 4: value = [0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000][Int(generator.next() % 6)]
      case 5...7: value = 0x80 + UInt32(generator.next() % 0x2F80)
      default: value = 0x3000 + UInt32(generator.next() % 0x10_D000)
      }
      scalars.append(Unicode.Scalar(value) ?? " ")
    }
    return String(scalars)
  }

  @Test(arguments: [EncodingName.gpt2, .cl100k_base, .o200k_base])
  func randomUnicodeRoundTrips(_ name: EncodingName) throws {
    let encoder = try BytePairEncoder.named(name)
    var generator = SeededGenerator(seed: 42)
    for _ in 0..<200 {
      let text = Self.randomText(&generator, length: Int(generator.next() % 80))
      let ids = encoder.encodeOrdinary(text)
      #expect(try encoder.decodeText(ids) == text)
      #expect(ids.allSatisfy { $0 >= 0 && $0 < encoder.vocabularySize })
    }
  }

  @Test(arguments: [EncodingName.gpt2, .cl100k_base, .o200k_base])
  func randomBytesRoundTrip(_ name: EncodingName) throws {
    let encoder = try BytePairEncoder.named(name)
    var generator = SeededGenerator(seed: 9)
    for _ in 0..<200 {
      let bytes = (0..<Int(generator.next() % 60)).map { _ in
        UInt8(truncatingIfNeeded: generator.next())
      }
      #expect(try encoder.decode(encoder.encode(bytes: bytes)) == bytes)
    }
  }

  @Test func streamingEqualsWholeText() throws {
    let gpt2 = try BytePairEncoder.named(.gpt2)
    var generator = SeededGenerator(seed: 5)
    var text = ""
    for i in 0..<3000 {
      text += ["The ", "cat's ", "12345 ", "\n\n", "  ", "naïve ", "中文 ", "!!", "x"][i % 9]
      if generator.next() % 7 == 0 { text += Self.randomText(&generator, length: 5) }
    }
    let directory = makeTemporaryDirectory("stream")
    let path = directory.appendingPathComponent("text.txt").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    var streamed: [Int] = []
    var chunks = 0
    try gpt2.encode(stream: ByteStream(path: path), chunkBytes: 256) {
      streamed += $0
      chunks += 1
    }
    #expect(chunks > 10)
    #expect(streamed == gpt2.encodeOrdinary(text))
    // A single long run without any safe cut is still encoded and loses no byte.
    let run = String(repeating: "a", count: 5000)
    try Data(run.utf8).write(to: URL(fileURLWithPath: path))
    var runIDs: [Int] = []
    try gpt2.encode(stream: ByteStream(path: path), chunkBytes: 256) { runIDs += $0 }
    #expect(try gpt2.decodeText(runIDs) == run)
    try? FileManager.default.removeItem(at: directory)
  }
}
