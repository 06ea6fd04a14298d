import EmbeddingCore
import Foundation
import Testing

@testable import Word2Vec

@Suite struct VocabularyTests {
  @Test func countsAndOrdersByFrequency() throws {
    let path = TestCorpus.file("b a c a\nb a\n\n  d\tc a\n")
    let (vocabulary, stats) = try Word2VecVocabulary.count(corpora: [path], minCount: 2)
    #expect(vocabulary.words == ["a", "b", "c"])
    #expect(vocabulary.counts == [4, 2, 2])
    #expect(vocabulary.totalWords == 8)
    #expect(stats.corpusWords == 9)
    #expect(stats.lines == 4)
    #expect(vocabulary.index(of: "c") == 2)
    #expect(vocabulary.index(of: "d") == nil)
  }

  @Test func readsGzipLikePlainText() throws {
    let plain = try Word2VecVocabulary.count(corpora: [TestCorpus.topics], minCount: 1).vocabulary
    let gzip = try Word2VecVocabulary.count(corpora: [TestCorpus.topicsGzip], minCount: 1)
      .vocabulary
    #expect(plain.words == gzip.words)
    #expect(plain.counts == gzip.counts)
    #expect(plain.totalWords == 120 * 12)
  }

  @Test func manyFilesAddUp() throws {
    let one = TestCorpus.file("x y\n")
    let two = TestCorpus.file("y z")
    let (vocabulary, _) = try Word2VecVocabulary.count(corpora: [one, two], minCount: 1)
    #expect(vocabulary.words == ["y", "x", "z"])
    #expect(vocabulary.counts == [2, 1, 1])
  }

  @Test func pruningWhileCountingBoundsTheTable() throws {
    // 3,000 distinct rare words and one frequent word: with maxVocabulary 100 the table never
    // holds more than 100 words, and the frequent word survives with its exact count.
    var text = ""
    for i in 0..<3000 { text += "common w\(i) " }
    let path = TestCorpus.file(text)
    let (vocabulary, stats) = try Word2VecVocabulary.count(
      corpora: [path], minCount: 2, maxVocabulary: 100)
    #expect(stats.prunings > 0)
    #expect(stats.distinctWords <= 100)
    #expect(vocabulary.words == ["common"])
    #expect(vocabulary.counts == [3000])
  }

  @Test func emptyCorpusIsAClearError() throws {
    let path = TestCorpus.file(" \n\n\t")
    #expect {
      _ = try Word2VecVocabulary.count(corpora: [path], minCount: 1)
    } throws: { error in
      "\(error)".contains("no words")
    }
  }

  @Test func noWordReachingMinCountIsAClearError() throws {
    let path = TestCorpus.file("a b c a")
    #expect {
      _ = try Word2VecVocabulary.count(corpora: [path], minCount: 5)
    } throws: { error in
      "\(error)".contains("at least 5 times") && "\(error)".contains("occurs 2 times")
    }
  }

  @Test func missingFileNamesThePath() throws {
    #expect {
      _ = try Word2VecVocabulary.count(corpora: ["/nonexistent/corpus.txt"])
    } throws: { error in
      guard case EmbeddingError.io(let path, _) = error else { return false }
      return path == "/nonexistent/corpus.txt"
    }
  }

  @Test func overlongWordIsSkippedNotStored() throws {
    // A 200,000-character "word" between normal words: skipped and counted, never a vocabulary entry.
    let long = String(repeating: "x", count: 200_000)
    let path = TestCorpus.file("alpha \(long) beta\nalpha beta \(long)")
    let (vocabulary, stats) = try Word2VecVocabulary.count(corpora: [path], minCount: 1)
    #expect(vocabulary.words == ["alpha", "beta"])
    #expect(stats.overlongWords == 2)
  }

  @Test func invalidUTF8WordsAreSkipped() throws {
    var bytes = Array("good ".utf8)
    bytes += [0x62, 0xFF, 0x61, 0x64, 0x20]  // "b\xFFad"
    bytes += Array("good caf\u{E9}\n".utf8)
    let path = TestCorpus.file(bytes)
    let (vocabulary, stats) = try Word2VecVocabulary.count(corpora: [path], minCount: 1)
    #expect(vocabulary.words == ["good", "café"])
    #expect(stats.invalidUTF8Words == 1)
  }

  @Test func binaryGarbageGivesAnErrorOrAVocabularyNeverACrash() throws {
    var rng = SeededGenerator(seed: 9)
    let bytes = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let path = TestCorpus.file(bytes, name: "garbage.bin")
    do {
      let (vocabulary, _) = try Word2VecVocabulary.count(corpora: [path], minCount: 5)
      // Any word that survives is valid UTF-8 and short.
      #expect(vocabulary.words.allSatisfy { $0.utf8.count <= 1000 })
    } catch let error as EmbeddingError {
      #expect("\(error)".contains("min-count"))
    }
  }
}
