import EmbeddingCore
import Testing

@testable import Word2Vec

@Suite struct TreeAndSamplerTests {
  @Test func huffmanCodesArePrefixFreeAndShortForFrequentWords() {
    let counts = [50, 30, 10, 5, 3, 1, 1]
    let tree = HuffmanTree(countsDescending: counts)
    var codes: [[UInt8]] = []
    for w in counts.indices {
      let range = Int(tree.offsets[w])..<Int(tree.offsets[w + 1])
      codes.append(Array(tree.codes[range]))
      // Every path starts at the root (the last inner node) and stays within the inner nodes.
      #expect(tree.points[range.lowerBound] == Int32(counts.count - 2))
      #expect(tree.points[range].allSatisfy { $0 >= 0 && $0 < Int32(counts.count - 1) })
    }
    for a in codes.indices {
      for b in codes.indices where a != b {
        let isPrefix =
          codes[b].count >= codes[a].count && Array(codes[b].prefix(codes[a].count)) == codes[a]
        #expect(!isPrefix)
      }
    }
    for w in 1..<counts.count { #expect(codes[w].count >= codes[w - 1].count) }
    // Kraft equality for a full binary tree.
    let kraft: Double = codes.map { 1.0 / Double(1 << $0.count) }.reduce(0, +)
    #expect(kraft == 1)
  }

  @Test func aliasSamplerFollowsUnigramToThePowerThreeQuarters() {
    let counts = [1000, 300, 100, 10, 1]
    let sampler = NoiseSampler(counts: counts)
    var rng = SeededGenerator(seed: 1)
    var hits = [Int](repeating: 0, count: counts.count)
    let draws = 200_000
    for _ in 0..<draws {
      let r = rng.next()
      let bucket = Int(((r & 0xFFFF_FFFF) &* UInt64(counts.count)) >> 32)
      let word =
        UInt32(truncatingIfNeeded: r >> 32) <= sampler.threshold[bucket]
        ? bucket : Int(sampler.alias[bucket])
      hits[word] += 1
    }
    let weights = counts.map { pow(Double($0), 0.75) }
    let total = weights.reduce(0, +)
    for w in counts.indices {
      let expected = weights[w] / total
      let observed = Double(hits[w]) / Double(draws)
      #expect(abs(observed - expected) < 0.005, "word \(w): \(observed) vs \(expected)")
    }
  }

  @Test func subsamplingKeepsRareWordsAndThinsFrequentOnes() {
    let tables = TrainingTables(counts: [1_000_000, 1000, 1], sample: 1e-3, hierarchical: false)
    #expect(tables.keepThreshold[2] == UInt32.max)
    #expect(tables.keepThreshold[1] == UInt32.max)
    // f = 0.999: p = (sqrt(f/s) + 1)·s/f ≈ 0.0326.
    let p = Double(tables.keepThreshold[0]) / 4_294_967_295.0
    #expect(abs(p - 0.0326) < 0.001)
  }
}

import Foundation
