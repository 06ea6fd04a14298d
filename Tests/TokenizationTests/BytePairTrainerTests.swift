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

  /// The merge order of the heap-based trainer against a naive one that recounts every pair of
  /// every piece before each merge (same rule: highest count, then the lowest pair).
  @Test func matchesANaiveRecountMergeForMerge() throws {
    var generator = SeededGenerator(seed: 5)
    let letters = Array("abcde ".utf8)
    // Few letters, so many pairs tie on their count and the tie rule decides.
    let text = String(
      decoding: (0..<6000).map { _ in letters[Int(generator.next() % UInt64(letters.count))] },
      as: UTF8.self)
    let trainer = BytePairTrainer(vocabularySize: 420, preTokenizer: .gpt2)
    let ranks = try trainer.train(text: text)
    let counter = PieceCounter(preTokenizer: .gpt2)
    var copy = text
    copy.withUTF8 { counter.add($0) }
    var pieces = counter.pieces.map { $0.map { Int32($0) } }
    var tokens: [[UInt8]] = (0..<256).map { [UInt8($0)] }
    while tokens.count < 420 {
      var pairCounts: [UInt64: Int] = [:]
      for (p, piece) in pieces.enumerated() where piece.count >= 2 {
        for i in 0..<(piece.count - 1) {
          pairCounts[MergeState.key(piece[i], piece[i + 1]), default: 0] += counter.counts[p]
        }
      }
      guard
        let best = pairCounts.max(by: {
          PairEntry(count: $0.value, pair: $0.key) < PairEntry(count: $1.value, pair: $1.key)
        }), best.value >= 2
      else { break }
      let left = Int32(truncatingIfNeeded: best.key >> 32)
      let right = Int32(truncatingIfNeeded: best.key & 0xFFFF_FFFF)
      let bytes = tokens[Int(left)] + tokens[Int(right)]
      let id = Int32(tokens.firstIndex(of: bytes) ?? tokens.count)
      if Int(id) == tokens.count { tokens.append(bytes) }
      pieces = pieces.map { piece in
        var merged: [Int32] = []
        var i = 0
        while i < piece.count {
          if i + 1 < piece.count && piece[i] == left && piece[i + 1] == right {
            merged.append(id)
            i += 2
          } else {
            merged.append(piece[i])
            i += 1
          }
        }
        return merged
      }
    }
    #expect(tokens.count == 420)
    #expect(ranks.map(\.bytes) == tokens)
  }

  @Test func queueOrderIsCountThenLowerPair() {
    let a = PairEntry(count: 5, pair: MergeState.key(3, 4))
    let b = PairEntry(count: 5, pair: MergeState.key(3, 9))
    let c = PairEntry(count: 6, pair: MergeState.key(300, 1))
    #expect(b < a && a < c)  // the maximum is merged first: c, then a, then b
  }
}
