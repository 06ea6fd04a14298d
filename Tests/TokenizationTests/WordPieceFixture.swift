import EmbeddingCore
import Foundation

@testable import Tokenization

/// The fixture written by `Benchmarks/make_wordpiece_fixture.py` from Hugging Face `tokenizers`.
enum WordPieceFixture {
  struct Case: Decodable {
    let text: String
    let uncased: [Int32]
    let cased: [Int32]
    let strip: [Int32]
    let spans: [[Int]]
    let decoded: String
  }
  struct Truncation: Decodable {
    let text: String
    let max_length: Int
    let ids: [Int32]
  }
  struct File: Decodable {
    let tokenizers_version: String
    let cases: [Case]
    let truncations: [Truncation]
  }

  static let directory = Bundle.module.url(
    forResource: "wordpiece", withExtension: nil, subdirectory: "Fixtures")

  static func read(_ name: String) -> [UInt8]? {
    guard let url = directory?.appendingPathComponent(name) else { return nil }
    return try? ByteStream.readAll(path: url.path)
  }

  static let file: File? = read("cases.json.gz").flatMap {
    try? JSONDecoder().decode(File.self, from: Data($0))
  }

  static let vocabulary: [String] = {
    guard let bytes = read("vocab.txt") else { return [] }
    return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
  }()

  /// The three configurations of the fixture: uncased (BERT default), cased, strip only.
  static func options(_ name: String) -> WordPieceOptions {
    var options = WordPieceOptions()
    switch name {
    case "cased":
      options.lowercase = false
      options.stripAccents = false
    case "strip":
      options.lowercase = false
      options.stripAccents = true
    default: break
    }
    return options
  }

  static func tokenizer(_ name: String) throws -> WordPieceTokenizer {
    try WordPieceTokenizer(vocabulary: vocabulary, options: options(name))
  }
}
