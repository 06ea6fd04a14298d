import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Tokenization

@Suite struct WordPieceLoadTests {
  /// A temporary model directory holding `files` (name -> contents).
  static func directory(_ files: [String: String]) throws -> URL {
    let url = makeTemporaryDirectory("wordpiece")
    for (name, text) in files {
      try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return url
  }

  static var vocabText: String { WordPieceFixture.vocabulary.joined(separator: "\n") + "\n" }

  /// A tokenizer.json like all-MiniLM-L6-v2's, with the given normalizer flags.
  static func tokenizerJSON(lowercase: Bool, stripAccents: Bool?, modelType: String = "WordPiece")
    throws -> String
  {
    var vocab: [String: Int] = [:]
    for (id, token) in WordPieceFixture.vocabulary.enumerated() { vocab[token] = id }
    let added = [("[PAD]", 0), ("[UNK]", 100), ("[CLS]", 101), ("[SEP]", 102), ("[MASK]", 103)]
    let object: [String: Any] = [
      "version": "1.0",
      "added_tokens": added.map {
        ["id": $0.1, "content": $0.0, "special": true, "normalized": false]
      },
      "normalizer": [
        "type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
        "strip_accents": stripAccents.map { $0 as Any } ?? NSNull(), "lowercase": lowercase,
      ],
      "pre_tokenizer": ["type": "BertPreTokenizer"],
      "post_processor": [
        "type": "TemplateProcessing",
        "single": [
          ["SpecialToken": ["id": "[CLS]", "type_id": 0]], ["Sequence": ["id": "A", "type_id": 0]],
          ["SpecialToken": ["id": "[SEP]", "type_id": 0]],
        ],
      ],
      "decoder": ["type": "WordPiece", "prefix": "##", "cleanup": true],
      "model": [
        "type": modelType, "unk_token": "[UNK]", "continuing_subword_prefix": "##",
        "max_input_chars_per_word": 100, "vocab": vocab,
      ],
    ]
    let data = try JSONSerialization.data(withJSONObject: object)
    return String(decoding: data, as: UTF8.self)
  }

  @Test(arguments: ["uncased", "cased", "strip"])
  func tokenizerJSONLoadsTheSameTokenizer(_ config: String) throws {
    let file = try #require(WordPieceFixture.file)
    let options = WordPieceFixture.options(config)
    let json = try Self.tokenizerJSON(
      lowercase: options.lowercase, stripAccents: options.stripAccents)
    let url = try Self.directory(["tokenizer.json": json])
    defer { try? FileManager.default.removeItem(at: url) }
    let tokenizer = try WordPieceTokenizer.load(directory: url)
    #expect(tokenizer.options.lowercase == options.lowercase)
    #expect(tokenizer.options.stripsAccents == options.stripsAccents)
    for item in file.cases {
      let expected =
        config == "uncased" ? item.uncased : config == "cased" ? item.cased : item.strip
      #expect(tokenizer.encode(item.text).ids == expected)
    }
  }

  @Test func vocabTextWithConfigLoads() throws {
    let file = try #require(WordPieceFixture.file)
    let url = try Self.directory([
      "vocab.txt": Self.vocabText,
      "tokenizer_config.json": #"{"do_lower_case": false, "strip_accents": true}"#,
      "special_tokens_map.json": #"{"unk_token": "[UNK]", "mask_token": "[MASK]"}"#,
    ])
    defer { try? FileManager.default.removeItem(at: url) }
    let tokenizer = try WordPieceTokenizer.load(directory: url)
    for item in file.cases { #expect(tokenizer.encode(item.text).ids == item.strip) }
  }

  @Test func crlfVocabTextLoads() throws {
    let text = WordPieceFixture.vocabulary.joined(separator: "\r\n") + "\r\n"
    let url = try Self.directory(["vocab.txt": text])
    defer { try? FileManager.default.removeItem(at: url) }
    let tokenizer = try WordPieceTokenizer.load(directory: url)
    #expect(tokenizer.vocabularySize == 30522 && tokenizer.id(of: "hello") == 7592)
    #expect(tokenizer.encode("Hello, world!").ids == [101, 7592, 1010, 2088, 999, 102])
  }

  @Test func loadErrorsNameTheFileAndTheFix() throws {
    func message(_ files: [String: String]) throws -> String {
      let url = try Self.directory(files)
      defer { try? FileManager.default.removeItem(at: url) }
      do {
        _ = try WordPieceTokenizer.load(directory: url)
        return "no error"
      } catch { return error.description }
    }
    #expect(try message([:]).contains("no tokenizer.json or vocab.txt"))
    let bpe = try message([
      "tokenizer.json": Self.tokenizerJSON(lowercase: true, stripAccents: nil, modelType: "BPE")
    ])
    #expect(bpe.contains("tokenizer.json") && bpe.contains("BPE, expected WordPiece"))
    #expect(try message(["tokenizer.json": "{not json"]).contains("not valid JSON"))
    let noUnknown = try message(["vocab.txt": "[CLS]\n[SEP]\nhello\n"])
    #expect(noUnknown.contains("vocab.txt") && noUnknown.contains("'[UNK]'"))
    let duplicate = try message(["vocab.txt": "[UNK]\n[CLS]\n[SEP]\nhello\nhello\n"])
    #expect(duplicate.contains("vocab.txt:line 5") && duplicate.contains("line 4"))
    #expect(throws: EmbeddingError.self) {
      _ = try WordPieceTokenizer(
        vocabulary: ["[UNK]", "[CLS]", "[SEP]", "a", "a"], options: WordPieceOptions())
    }
    #expect(throws: EmbeddingError.self) {
      _ = try WordPieceTokenizer(vocabulary: ["[UNK]", "[CLS]", "a"], options: WordPieceOptions())
    }
  }
}
