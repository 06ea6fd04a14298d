import EmbeddingCore
import Foundation
import Testing

@testable import Tokenization

/// One pinned case of `Fixtures/tiktoken_pinned.json` (IDs from tiktoken 0.14).
struct PinnedCase: Decodable {
  let text: String?
  let bytes: String
  let byteAPI: Bool
  let gpt2: [Int]
  let cl100k_base: [Int]
  let o200k_base: [Int]

  var rawBytes: [UInt8] { Array(Data(base64Encoded: bytes) ?? Data()) }

  func expected(_ name: EncodingName) -> [Int] {
    switch name {
    case .gpt2, .r50k_base: return gpt2
    case .cl100k_base: return cl100k_base
    case .o200k_base: return o200k_base
    }
  }

  static let all: [PinnedCase] = {
    struct File: Decodable { let cases: [PinnedCase] }
    guard
      let url = Bundle.module.url(
        forResource: "tiktoken_pinned", withExtension: "json", subdirectory: "Fixtures"),
      let data = try? Data(contentsOf: url),
      let file = try? JSONDecoder().decode(File.self, from: data)
    else { return [] }
    return file.cases
  }()
}

@Suite struct BytePairEncoderTests {
  static let encodings: [EncodingName] = [.gpt2, .cl100k_base, .o200k_base]

  @Test(arguments: encodings)
  func matchesPinnedTiktokenIDs(_ name: EncodingName) throws {
    let encoder = try BytePairEncoder.named(name)
    #expect(PinnedCase.all.count >= 38)
    for pinned in PinnedCase.all {
      let bytes = pinned.rawBytes
      let ids =
        pinned.byteAPI
        ? encoder.encode(bytes: bytes)
        : encoder.encodeOrdinary(String(decoding: bytes, as: UTF8.self))
      #expect(ids == pinned.expected(name), "\(name) \(pinned.text ?? "\(bytes)")")
      #expect(try encoder.decode(ids) == bytes)
    }
  }

  @Test func gpt2KnownIDs() throws {
    let gpt2 = try BytePairEncoder.named(.gpt2)
    #expect(try gpt2.encode("hello world") == [31373, 995])
    #expect(try gpt2.encode("Hello, world!") == [15496, 11, 995, 0])
    #expect(gpt2.vocabularySize == 50257)
    #expect(try gpt2.tokenBytes(50256) == Array("<|endoftext|>".utf8))
    #expect(gpt2.tokenID(of: Array(" the".utf8)) == 262)
  }

  @Test func specialTokensFollowTiktoken() throws {
    let cl100k = try BytePairEncoder.named(.cl100k_base)
    let text = "hi<|endoftext|>there"
    #expect(throws: EmbeddingError.disallowedSpecialToken("<|endoftext|>")) {
      try cl100k.encode(text)
    }
    let allowed = try cl100k.encode(text, allowedSpecial: .all)
    #expect(allowed.contains(100257))
    #expect(try cl100k.encode(text, allowedSpecial: ["<|endoftext|>"]) == allowed)
    let asText = try cl100k.encode(text, disallowedSpecial: .none)
    #expect(!asText.contains(100257))
    #expect(asText == cl100k.encodeOrdinary(text))
    #expect(try cl100k.decodeText(allowed) == text)
    // Allowing one special token still forbids the others.
    #expect(throws: EmbeddingError.disallowedSpecialToken("<|fim_prefix|>")) {
      try cl100k.encode("<|fim_prefix|><|endoftext|>", allowedSpecial: ["<|endoftext|>"])
    }
    let message = EmbeddingError.disallowedSpecialToken("<|endoftext|>").description
    #expect(message.contains("allowedSpecial") && message.contains("disallowedSpecial: .none"))
  }

  @Test func emptyInputGivesNoTokens() throws {
    for name in Self.encodings {
      let encoder = try BytePairEncoder.named(name)
      #expect(try encoder.encode("").isEmpty)
      #expect(encoder.encode(bytes: []).isEmpty)
      #expect(try encoder.encodeBatch([], threads: 2).isEmpty)
      #expect(try encoder.encodeBatch(["", ""], threads: 2) == [[], []])
      #expect(try encoder.decode([]).isEmpty)
    }
  }

  @Test func unknownIDIsAnError() throws {
    let gpt2 = try BytePairEncoder.named(.gpt2)
    #expect(throws: EmbeddingError.self) { try gpt2.decode([50257]) }
    #expect(throws: EmbeddingError.self) { try gpt2.decode([-1]) }
    let cl100k = try BytePairEncoder.named(.cl100k_base)
    #expect(throws: EmbeddingError.self) { try cl100k.decode([100256]) }  // an unused ID
  }

  @Test func batchEqualsOneByOne() throws {
    let o200k = try BytePairEncoder.named(.o200k_base)
    let texts = (0..<50).map { "Document \($0): " + String(repeating: "word\($0) ", count: $0) }
    let batch = try o200k.encodeBatch(texts, threads: 2)
    #expect(batch == texts.map { o200k.encodeOrdinary($0) })
    #expect(throws: EmbeddingError.self) {
      try o200k.encodeBatch(["fine", "not <|endoftext|> fine"], threads: 2)
    }
  }

  @Test func longRepetitivePiecesStayFast() throws {
    // A single 40,000-byte piece: the heap merge keeps it O(n log n) even in debug builds.
    let gpt2 = try BytePairEncoder.named(.gpt2)
    let start = MonotonicClock.now()
    for unit in ["a", "ab", "🙂"] {
      let text = String(repeating: unit, count: 40_000 / unit.utf8.count)
      let ids = try gpt2.encode(text)
      #expect(try gpt2.decodeText(ids) == text)
    }
    #expect(MonotonicClock.now() - start < 20)
  }

  @Test func heapAndScanMergesAgree() throws {
    let cl100k = try BytePairEncoder.named(.cl100k_base)
    var generator = SeededGenerator(seed: 7)
    let alphabet = Array("abcdeéö中 ".utf8)
    for _ in 0..<30 {
      let count = 2 + Int(generator.next() % 300)
      let piece = (0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
      var scanned: [Int] = []
      var heaped: [Int] = []
      let scratch = MergeScratch()
      piece.withUnsafeBufferPointer { buffer in
        BytePairMerge.scan(
          buffer.baseAddress!, count, readable: count, table: cl100k.table.lookup, scratch: scratch,
          into: &scanned)
        BytePairMerge.heap(
          buffer.baseAddress!, count, readable: count, table: cl100k.table.lookup, scratch: scratch,
          into: &heaped)
      }
      #expect(scanned == heaped)
    }
  }
}
