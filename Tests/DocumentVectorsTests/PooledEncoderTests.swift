import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing
import WordEmbeddings

@testable import DocumentVectors

/// Four 3-d word vectors: "cat", "dog", "the", "sat".
func smallVectors() throws -> WordVectors {
  try WordVectors(
    words: ["the", "cat", "dog", "sat"],
    matrix: Matrix(rows: 4, columns: 3, values: [1, 1, 0, 2, 0, 0, 0, 2, 0, 0, 0, 4]),
    counts: [10, 3, 2, 1])
}

@Suite struct WordSplitterTests {
  @Test func whitespaceKeepsWordsAsTheyAre() {
    let s = WordSplitter(.none)
    #expect(s.words(in: " The\tcat,  sat.\n") == ["The", "cat,", "sat."])
    #expect(s.spans(of: " The\tcat,  sat.\n") == [1..<4, 5..<9, 11..<15])
    #expect(s.words(in: "") == [])
    #expect(s.words(in: " \n\t ") == [])
  }

  @Test func lowercaseLowersAsciiAndUnicode() {
    let s = WordSplitter(.lowercase)
    #expect(s.words(in: "The CAT Émile") == ["the", "cat", "émile"])
  }

  @Test func text8FoldsAccentsAndSplitsOnNonLetters() {
    let s = WordSplitter(.text8)
    #expect(s.words(in: "Don't stop, Café 42x!") == ["don", "t", "stop", "cafe", "x"])
    // "Café" spans its 5 UTF-8 bytes.
    #expect(s.spans(of: "Café ok") == [0..<5, 6..<8])
  }
}

@Suite struct PooledEncoderTests {
  @Test func meanAveragesKnownWordsAndSkipsUnknown() throws {
    let encoder = PooledWordEncoder(vectors: try smallVectors(), normalize: false)
    let result = encoder.encodeWithCoverage(["cat dog", "cat zebra dog", "cat"])
    #expect(result.vectors.row(0) == [1, 1, 0])
    #expect(result.vectors.row(1) == [1, 1, 0])
    #expect(result.vectors.row(2) == [2, 0, 0])
    #expect(result.knownWords == [2, 2, 1])
    #expect(encoder.descriptor.kind == "mean-word-vectors")
    #expect(encoder.descriptor.dimension == 3)
  }

  @Test func textsWithoutKnownWordsGiveZeroVectorsNotNaN() throws {
    let encoder = PooledWordEncoder(vectors: try smallVectors())
    let result = encoder.encodeWithCoverage(["", "zebra", "   ", "cat"])
    #expect(result.knownWords == [0, 0, 0, 1])
    #expect(result.textsWithoutKnownWords == [0, 1, 2])
    for r in 0..<3 { #expect(result.vectors.row(r) == [0, 0, 0]) }
    #expect(result.vectors.row(3) == [1, 0, 0])  // normalised
  }

  @Test func normalisedRowsHaveUnitLength() throws {
    let encoder = PooledWordEncoder(vectors: try smallVectors())
    let v = try encoder.encode("the cat sat")
    let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
    #expect(abs(norm - 1) < 1e-6)
  }

  @Test func tokenSpansAreWordByteRanges() throws {
    let encoder = PooledWordEncoder(vectors: try smallVectors(), splitter: WordSplitter(.text8))
    let text = "The cat, SAT!"
    let spans = encoder.tokenSpans(of: text)
    let bytes = Array(text.utf8)
    #expect(spans.map { String(decoding: bytes[$0], as: UTF8.self) } == ["The", "cat", "SAT"])
    // text8 lookups find the lower-cased words.
    #expect(encoder.encodeWithCoverage([text]).knownWords == [3])
  }

  @Test func parallelBatchesMatchOneThread() throws {
    var encoder = PooledWordEncoder(vectors: try smallVectors())
    let words = ["the", "cat", "dog", "sat", "zebra"]
    var rng = SeededGenerator(seed: 3)
    let texts = (0..<700).map { _ in
      (0..<Int(rng.next() % 6)).map { _ in words[Int(rng.next() % 5)] }.joined(separator: " ")
    }
    encoder.threads = 1
    let one = try encoder.encode(texts, role: .plain)
    encoder.threads = 4
    let four = try encoder.encode(texts, role: .plain)
    #expect(values(one) == values(four))
  }
}
