import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import WordEmbeddings

@Suite struct Word2VecFormatTests {
  @Test func readsGensimBinaryWithAndWithoutRowNewlines() throws {
    let a = try WordVectors.load(contentsOf: Fixture.path("small.bin"))
    let b = try WordVectors.load(contentsOf: Fixture.path("small-newlines.bin"))
    #expect(a.count == 400 && a.dimension == 16)
    #expect(a.words == b.words)
    #expect(Array(a.matrix.buffer) == Array(b.matrix.buffer))
    #expect(a.words[0] == "the")
    #expect(try VectorFormat.detect(path: Fixture.path("small.bin")) == .word2vecBinary)
    #expect(try VectorFormat.detect(path: Fixture.path("small-newlines.bin")) == .word2vecBinary)
  }

  @Test func textAndGloveMatchBinary() throws {
    let binary = Fixture.vectors
    for (name, format) in [("small.txt", VectorFormat.word2vecText), ("small.glove.txt", .glove)] {
      #expect(try VectorFormat.detect(path: Fixture.path(name)) == format)
      let text = try WordVectors.load(contentsOf: Fixture.path(name))
      #expect(text.words == binary.words)
      // gensim prints float32 with repr(): shortest round-trip, so values are exact.
      #expect(Array(text.matrix.buffer) == Array(binary.matrix.buffer))
    }
  }

  @Test func limitReadsOnlyTheFirstWords() throws {
    for name in ["small.bin", "small-newlines.bin", "small.txt", "small.glove.txt"] {
      let wv = try WordVectors.load(contentsOf: Fixture.path(name), options: .init(limit: 7))
      #expect(wv.count == 7)
      #expect(wv.words == Array(Fixture.vectors.words.prefix(7)))
      #expect(wv.matrix.row(6) == Fixture.vectors.matrix.row(6))
    }
  }

  @Test func roundTripsEveryWord2VecFlavour() throws {
    let dir = makeTemporaryDirectory("wv-roundtrip")
    defer { try? FileManager.default.removeItem(at: dir) }
    let original = Fixture.vectors
    for format in [VectorFormat.word2vecBinary, .word2vecText, .fastTextVec, .glove] {
      let path = dir.appendingPathComponent("v.\(format.rawValue)").path
      try original.write(to: path, format: format)
      let back = try WordVectors.load(contentsOf: path)
      #expect(back.words == original.words, "\(format)")
      #expect(Array(back.matrix.buffer) == Array(original.matrix.buffer), "\(format)")
    }
  }

  @Test func writingRefusesWordsWithSpaces() throws {
    let wv = try WordVectors(words: ["new york"], matrix: Matrix(rows: 1, columns: 2))
    let path = makeTemporaryDirectory().appendingPathComponent("x.bin").path
    #expect(throws: EmbeddingError.self) { try wv.write(to: path, format: .word2vecBinary) }
    #expect(!FileManager.default.fileExists(atPath: path))
  }
}
