import EmbeddingCore
import Foundation
import Testing

@testable import Tokenization

@Suite struct WordPieceTests {
  // MARK: Parity with Hugging Face tokenizers

  @Test(arguments: ["uncased", "cased", "strip"])
  func idsMatchHuggingFace(_ config: String) throws {
    let file = try #require(WordPieceFixture.file)
    #expect(file.cases.count > 400)
    let tokenizer = try WordPieceFixture.tokenizer(config)
    var mismatches = 0
    for item in file.cases {
      let expected =
        config == "uncased" ? item.uncased : config == "cased" ? item.cased : item.strip
      let encoding = tokenizer.encode(item.text)
      if encoding.ids != expected {
        mismatches += 1
        if mismatches <= 5 {
          Issue.record(
            "\(config): \(item.text.debugDescription.prefix(80)): \(encoding.ids) != \(expected)")
        }
      }
      #expect(!encoding.truncated)
    }
    #expect(mismatches == 0)
  }

  @Test func spansTokensAndDecodeMatchHuggingFace() throws {
    let file = try #require(WordPieceFixture.file)
    let tokenizer = try WordPieceFixture.tokenizer("uncased")
    for item in file.cases {
      let encoding = tokenizer.encode(item.text)
      let spans = item.spans.map { $0[0]..<$0[1] }
      #expect(encoding.spans == spans, "\(item.text.debugDescription.prefix(80))")
      #expect(tokenizer.decode(encoding.ids) == item.decoded, "\(item.text.debugDescription)")
      let pieces = encoding.ids.dropFirst().dropLast().map { tokenizer.token(of: $0) ?? "?" }
      #expect(tokenizer.tokens(item.text) == Array(pieces))
    }
  }

  @Test func everyScalarBehavesAsHuggingFace() throws {
    let bytes = try #require(WordPieceFixture.read("scalars.txt.gz"))
    var expected: [UInt32: String] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let parts = line.split(separator: "\t", maxSplits: 1)
      let range = parts[0].split(separator: "-").compactMap { UInt32($0, radix: 16) }
      for value in range[0]...(range.last ?? range[0]) { expected[value] = String(parts[1]) }
    }
    let table = BertScalarTable.shared
    var mismatches: [String] = []
    for value in UInt32(0)..<0x11_0000 where !(0xD800...0xDFFF).contains(value) {
      let ours = Self.describe(value, table)
      if ours != (expected[value] ?? "") {
        mismatches.append(
          String(format: "%X: ours '%@' hf '%@'", value, ours, expected[value] ?? ""))
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
  }

  /// One scalar in the notation of scalars.txt.gz.
  static func describe(_ value: UInt32, _ table: BertScalarTable) -> String {
    func hex(_ v: [UInt32]) -> String {
      v.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
    }
    let f = table.flags[Int(value)]
    var flags: [String] = []
    if f & BertScalar.drop != 0 {
      flags.append("D")
    } else if f & BertScalar.cleanSpace != 0 && value != 0x20 {
      flags.append("W")
    }
    if f & BertScalar.chinese != 0 { flags.append("H") }
    if f & BertScalar.space != 0 {
      flags.append("S")
    } else if f & BertScalar.punctuation != 0 {
      flags.append("P")
    }
    var parts = [value]
    if f & BertScalar.decomposes != 0 {
      parts =
        (0xAC00...0xD7A3).contains(value)
        ? BertScalarTable.hangul(value) : table.decomposition[value] ?? []
    }
    let stripped = parts.filter { table.flags[Int($0)] & BertScalar.nonspacingMark == 0 }
    if stripped != [value] { flags.append("N=" + hex(stripped)) }
    if f & BertScalar.lowercases != 0 { flags.append("L=" + hex(table.lowercase[value] ?? [])) }
    return flags.joined(separator: "\t")
  }

  // MARK: Truncation, batches, special cases

  @Test func truncationMatchesHuggingFace() throws {
    let file = try #require(WordPieceFixture.file)
    let tokenizer = try WordPieceFixture.tokenizer("uncased")
    #expect(file.truncations.count >= 20)
    for item in file.truncations {
      let encoding = tokenizer.encode(item.text, maxLength: item.max_length)
      #expect(encoding.ids == item.ids, "\(item.text.prefix(30)) max \(item.max_length)")
      #expect(encoding.spans.count == encoding.ids.count)
      let full = tokenizer.encode(item.text)
      #expect(encoding.truncated == (full.ids.count > item.max_length))
    }
    // Below 2 there is no room for both [CLS] and [SEP]: the first ones are kept.
    let tiny = tokenizer.encode("hello world", maxLength: 1)
    #expect(tiny.ids == [tokenizer.classID] && tiny.truncated)
    #expect(tokenizer.encode("", maxLength: 2).truncated == false)
    // A megabyte line stops early and still ends with [SEP].
    let long = String(repeating: "hello world ", count: 100_000)
    let cut = tokenizer.encode(long, maxLength: 256)
    #expect(cut.ids.count == 256 && cut.truncated && cut.ids.last == tokenizer.separatorID)
  }

  @Test func batchEqualsOneByOne() throws {
    let file = try #require(WordPieceFixture.file)
    let tokenizer = try WordPieceFixture.tokenizer("uncased")
    let texts = file.cases.map(\.text)
    for maxLength in [nil, 16] as [Int?] {
      let single = texts.map { tokenizer.encode($0, maxLength: maxLength) }
      for threads in [1, 2, 3] {
        #expect(tokenizer.encodeBatch(texts, maxLength: maxLength, threads: threads) == single)
      }
    }
    #expect(tokenizer.encodeBatch([], maxLength: nil, threads: 2).isEmpty)
  }

  @Test func basicAccessors() throws {
    let tokenizer = try WordPieceFixture.tokenizer("uncased")
    #expect(tokenizer.vocabularySize == 30522)
    #expect(tokenizer.classID == 101 && tokenizer.separatorID == 102)
    #expect(tokenizer.paddingID == 0 && tokenizer.unknownID == 100)
    #expect(tokenizer.id(of: "hello") == 7592 && tokenizer.id(of: "##ing") == 2075)
    #expect(tokenizer.id(of: "notatokenatall") == nil && tokenizer.id(of: "") == nil)
    #expect(tokenizer.tokens("Unaffable!") == ["una", "##ffa", "##ble", "!"])
    #expect(tokenizer.decode(tokenizer.encode("Hello, world!").ids) == "hello, world!")
    #expect(tokenizer.options.stripsAccents)
  }
}
