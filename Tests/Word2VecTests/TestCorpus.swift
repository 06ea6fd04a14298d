import EmbeddingCore
import EmbeddingTestSupport
import Foundation

/// Small corpora for the Word2Vec tests: the bundled two-topic fixture, and files written on
/// the fly into a temporary directory.
enum TestCorpus {
  /// 120 lines of 12 words; even lines draw from animals, odd lines from colours.
  static var topics: String {
    Bundle.module.path(forResource: "topics", ofType: "txt", inDirectory: "Fixtures")!
  }

  /// The same text gzip-compressed.
  static var topicsGzip: String {
    Bundle.module.path(forResource: "topics.txt", ofType: "gz", inDirectory: "Fixtures")!
  }

  /// Writes `bytes` to a fresh temporary file and returns its path.
  static func file(_ bytes: [UInt8], name: String = "corpus.txt") -> String {
    let url = makeTemporaryDirectory("word2vec-tests").appendingPathComponent(name)
    _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
    return url.path
  }

  /// Writes `text` to a fresh temporary file and returns its path.
  static func file(_ text: String, name: String = "corpus.txt") -> String {
    file(Array(text.utf8), name: name)
  }
}
