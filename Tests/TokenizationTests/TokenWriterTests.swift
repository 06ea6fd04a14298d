import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Tokenization

/// The encoder's two ways of writing IDs: `TokenWriter` (plain stores, used by `encode`,
/// `encodeOrdinary`, `encodeBatch` and streams) and a growable `[Int]` (used by `encode(bytes:)`).
/// Both must give the same IDs, on the direct path (texts of 1 MB or more, written straight
/// into the result's storage) and on the workspace-buffer path (shorter texts).
@Suite struct TokenWriterTests {
  /// A text of about `bytes` bytes mixing what each pattern treats differently: words,
  /// capitals, contractions, digits, punctuation runs, whitespace runs, CJK, emoji and marks.
  static func mixedText(bytes: Int, seed: UInt64) -> String {
    let parts = [
      "The", " quick", " brown", " fox", "'s", " DON'T", " 12345", " 3.14", ",", "...", " !!",
      "  ", "\n", "\r\n", "\t", " 東京", "タワー", " 😀", "👍🏽", " é", "e\u{301}", " CamelCase",
      " XMLHttpRequest", "<|endoftext|>", " a", "b", "\u{1}\u{2}\u{3}", " //", "ǅungla",
    ]
    var generator = SeededGenerator(seed: seed)
    var text = ""
    while text.utf8.count < bytes {
      text += parts[Int(generator.next() % UInt64(parts.count))]
    }
    return text
  }

  /// The IDs through the `[Int]` sink: the reference for the writer paths.
  static func arrayPath(_ encoder: BytePairEncoder, _ text: String) -> [Int] {
    var text = text
    return text.withUTF8 { buffer in
      encoder.workspaces.with { workspace in
        var out: [Int] = []
        encoder.appendOrdinary(buffer, workspace: workspace, into: &out)
        return out
      }
    }
  }

  @Test(arguments: [EncodingName.gpt2, .cl100k_base, .o200k_base])
  func writerPathsMatchTheArrayPath(_ name: EncodingName) throws {
    let encoder = try BytePairEncoder.named(name)
    let large = Self.mixedText(bytes: BytePairEncoder.directOutputBytes + 12_345, seed: 1)
    let small = Self.mixedText(bytes: 5_000, seed: 2)
    for text in [large, small, "", "a", " 😀"] {
      let expected = Self.arrayPath(encoder, text)
      #expect(encoder.encodeOrdinary(text) == expected, "\(name) \(text.utf8.count) bytes")
      #expect(
        try encoder.encode(text, disallowedSpecial: .none) == expected,
        "\(name) \(text.utf8.count) bytes")
      #expect(encoder.encodeOrdinary(text, threads: 2, minimumSegment: 4_096) == expected)
    }
    let lines = small.split(separator: "\n").map(String.init) + [large]
    let batch = try encoder.encodeBatch(lines, disallowedSpecial: .none, threads: 2)
    #expect(batch == lines.map { Self.arrayPath(encoder, $0) })
    let path = makeTemporaryDirectory("writer").appendingPathComponent("large.txt").path
    try Data(large.utf8).write(to: URL(fileURLWithPath: path))
    var streamed: [Int] = []
    try encoder.encode(
      stream: ByteStream(path: path), disallowedSpecial: .none, chunkBytes: 50_000
    ) { streamed += $0 }
    #expect(streamed == Self.arrayPath(encoder, large))
  }

  /// The growing writer (texts past `directOutputLimit`), from one slot: it grows block by block.
  @Test(arguments: [EncodingName.gpt2, .o200k_base])
  func growingWriterMatchesTheArrayPath(_ name: EncodingName) throws {
    let encoder = try BytePairEncoder.named(name)
    var text = Self.mixedText(bytes: 300_000, seed: 4)
    let expected = Self.arrayPath(encoder, text)
    let ids = text.withUTF8 { buffer in
      encoder.workspaces.with { workspace -> [Int] in
        var writer = TokenWriter(growingFrom: 1)
        defer { writer.release() }
        encoder.appendOrdinary(buffer, workspace: workspace, into: &writer)
        return Array(UnsafeBufferPointer(start: writer.base, count: writer.count))
      }
    }
    #expect(ids == expected)
    #expect(BytePairEncoder.directOutputLimit > BytePairEncoder.directOutputBytes)
  }

  /// Special tokens written by the writer between ordinary segments.
  @Test func allowedSpecialTokensGoThroughTheWriter() throws {
    let encoder = try BytePairEncoder.named(.o200k_base)
    let text = Self.mixedText(bytes: BytePairEncoder.directOutputBytes + 1, seed: 3)
    let ids = try encoder.encode(text, allowedSpecial: .all)
    let parts = text.components(separatedBy: "<|endoftext|>")
    var expected: [Int] = []
    for (index, part) in parts.enumerated() {
      if index > 0 { expected.append(199_999) }
      expected += Self.arrayPath(encoder, part)
    }
    #expect(ids == expected)
  }

  /// The direct path reserves one ID per byte: a text whose every byte is its own token fills it.
  @Test func oneTokenPerByteFitsTheReservation() throws {
    let encoder = try BytePairEncoder.named(.cl100k_base)
    // Control characters in a cycle that BPE has no merges for: one token per byte.
    let scalars = (0..<(BytePairEncoder.directOutputBytes + 7)).map {
      Character(Unicode.Scalar(UInt8(1 + $0 % 8)))
    }
    let text = String(scalars)
    let ids = encoder.encodeOrdinary(text)
    #expect(ids == Self.arrayPath(encoder, text))
    #expect(ids.count <= text.utf8.count)
    #expect(ids.count > text.utf8.count / 2)
  }
}
