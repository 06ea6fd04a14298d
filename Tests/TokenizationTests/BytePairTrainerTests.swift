import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Tokenization

@Suite struct BytePairTrainerTests {
  @Test func learnsTheMostFrequentPairsFirst() throws {
    let trainer = BytePairTrainer(vocabularySize: 259, preTokenizer: .gpt2)
    let ranks = try trainer.train(text: "aaab aaab aaab ab ab")
    #expect(ranks.count == 259)
    #expect(ranks[0..<256].allSatisfy { $0.bytes == [UInt8($0.rank)] })
    // Pair counts: "aa" 6 (two per "aaab"), "ab" 5, " a" 4 → "aa" first.
    #expect(ranks[256].bytes == Array("aa".utf8))
    let encoder = try BytePairEncoder(
      name: "tiny", preTokenizer: .gpt2, ranks: ranks, specialTokens: ["<|endoftext|>": 259])
    let text = "aaab ab<|endoftext|>"
    let ids = try encoder.encode(text, allowedSpecial: .all)
    #expect(ids.last == 259)
    #expect(try encoder.decodeText(ids) == text)
  }

  @Test func isDeterministicAndSavesForTiktoken() throws {
    var generator = SeededGenerator(seed: 11)
    let words = ["the", "cat", "sat", "on", "mat", "hat", "that", "than", "then", "there"]
    let text = (0..<3000).map { _ in words[Int(generator.next() % 10)] }.joined(separator: " ")
    for pattern in [PreTokenizer.gpt2, .cl100k] {
      let trainer = BytePairTrainer(vocabularySize: 300, preTokenizer: pattern)
      let first = try trainer.train(text: text)
      let second = try trainer.train(text: text)
      #expect(first.map(\.bytes) == second.map(\.bytes))
      #expect(Set(first.map(\.bytes)).count == first.count)  // no duplicate tokens
      let path = makeTemporaryDirectory("bpe").appendingPathComponent("t.tiktoken").path
      try TiktokenFile.write(first, to: path)
      let encoder = try BytePairEncoder.load(tiktokenFile: path, preTokenizer: pattern)
      let ids = encoder.encodeOrdinary(text)
      #expect(ids.count < text.utf8.count / 3)
      #expect(try encoder.decodeText(ids) == text)
    }
  }

  @Test func stopsWhenNoPairRepeats() throws {
    let ranks = try BytePairTrainer(vocabularySize: 1000).train(text: "abc")
    #expect(ranks.count == 256)
    #expect(throws: EmbeddingError.self) {
      try BytePairTrainer(vocabularySize: 10).train(text: "abc")
    }
  }
}
