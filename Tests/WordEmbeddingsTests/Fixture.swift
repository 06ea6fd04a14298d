import EmbeddingCore
import Foundation
import Testing

@testable import WordEmbeddings

/// Paths of the gensim-generated fixtures (Benchmarks/make_wordvector_fixtures.py).
enum Fixture {
  static func path(_ name: String) -> String {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
      fatalError("missing fixture \(name)")
    }
    return url.path
  }

  /// gensim's answers (expected.json).
  static var expected: [String: Any] {
    let data = FileManager.default.contents(atPath: path("expected.json")) ?? Data()
    return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
  }

  /// The fixture vectors, loaded once.
  static let vectors: WordVectors = {
    do { return try WordVectors.load(contentsOf: path("small.bin")) } catch {
      fatalError("cannot load small.bin: \(error)")
    }
  }()

  /// A file in a fresh temporary directory holding `bytes`.
  static func temporaryFile(_ name: String, _ bytes: [UInt8]) -> String {
    let path = makeTemporaryDirectory("wv").appendingPathComponent(name).path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
  }
}

import EmbeddingTestSupport
