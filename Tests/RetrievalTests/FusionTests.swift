import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Retrieval

/// Documents on which BM25 and the bag-of-words cosine disagree for the query "common rare".
///
/// BM25 puts `rare` first (its word is rare: high idf); the cosine puts `common` first (four of the
/// query's words). The fillers make "common" common.
private let disagreeing: [RetrievalDocument] =
  [
    RetrievalDocument(id: "common", text: "common common common common"),
    RetrievalDocument(id: "rare", text: "rare stuff things more words here"),
  ] + (0..<5).map { RetrievalDocument(id: "filler\($0)", text: "common filler\($0) padding") }

@Suite struct FusionTests {
  @Test func reciprocalRankFusionAddsWeightOverConstantPlusRank() {
    let fused = RankFusion.fuse([([7, 3], 1), ([3, 9], 2)], constant: 10)
    #expect(abs((fused[7] ?? 0) - 1.0 / 11) < 1e-12)
    #expect(abs((fused[3] ?? 0) - (1.0 / 12 + 2.0 / 11)) < 1e-12)
    #expect(abs((fused[9] ?? 0) - 2.0 / 12) < 1e-12)
    #expect(fused.count == 3)
  }

  @Test func minMaxMapsTheCandidatesOntoZeroOne() {
    #expect(RankFusion.normalize([2, 4, 3], .minmax) == [0, 1, 0.5])
    #expect(RankFusion.normalize([5, 5], .minmax) == [0, 0])  // a constant column adds nothing
    #expect(RankFusion.normalize([], .minmax).isEmpty)
  }

  @Test func zScoreHasMeanZeroAndUnitDeviation() {
    let z = RankFusion.normalize([1, 2, 3, 10], .z)
    let mean = z.reduce(0, +) / 4
    let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4
    #expect(abs(mean) < 1e-12 && abs(variance - 1) < 1e-12)
    #expect(z[3] > z[2] && z[2] > z[1])
    #expect(RankFusion.normalize([3, 3, 3], .z) == [0, 0, 0])
  }

  @Test func convexIsTheAlphaWeightedSumOfNormalisedScores() {
    // BM25 [0, 10, 5] → [0, 1, 0.5]; cosine [0.9, 0.1, 0.5] → [1, 0, 0.5].
    let lexical: [Double] = [0, 10, 5]
    let dense: [Double] = [0.9, 0.1, 0.5]
    let mixed = RankFusion.convex(
      lexical: lexical, dense: dense, alpha: 0.25, normalization: .minmax)
    for (got, want) in zip(mixed, [0.25, 0.75, 0.5]) { #expect(abs(got - want) < 1e-12) }
    #expect(
      RankFusion.convex(lexical: lexical, dense: dense, alpha: 0, normalization: .minmax) == [
        0, 1, 0.5,
      ])
    let denseOnly = RankFusion.convex(
      lexical: lexical, dense: dense, alpha: 1, normalization: .minmax)
    for (got, want) in zip(denseOnly, [1, 0, 0.5]) { #expect(abs(got - want) < 1e-12) }
  }

  @Test func hybridFollowsAlphaAndRRFWeights() async throws {
    let path = makeTemporaryDirectory("fusion").appendingPathComponent("i.sqlite").path
    let index = try RetrievalIndex(path: path, encoder: HashingEncoder(), create: true)
    try await index.add(documents: disagreeing)
    let query = "common rare"
    #expect(try index.rank(query, depth: 1, mode: .bm25).first?.id == "rare")
    #expect(try index.rank(query, depth: 1, mode: .dense).first?.id == "common")
    func top(_ fusion: FusionParameters) throws -> String? {
      try index.rank(query, depth: 3, mode: .hybrid, parameters: .init(fusion: fusion)).first?.id
    }
    for norm in ScoreNormalization.allCases {
      #expect(try top(.init(method: .convex, alpha: 0, normalization: norm)) == "rare")
      #expect(try top(.init(method: .convex, alpha: 1, normalization: norm)) == "common")
    }
    // k 1: rare 1/2 + w/8 (last in dense), common 1/3 + w/2 (second in BM25, first in dense).
    #expect(try top(.init(method: .rrf, constant: 1, denseWeight: 0.05)) == "rare")
    #expect(try top(.init(method: .rrf, constant: 1, denseWeight: 5)) == "common")
    // Convex with alpha 1 is the dense order over all candidates.
    let hybrid = try index.rank(
      query, depth: 7, mode: .hybrid, parameters: .init(fusion: .init(method: .convex, alpha: 1)))
    let dense = try index.rank(query, depth: 7, mode: .dense)
    #expect(hybrid.map(\.id) == dense.map(\.id))
  }

  @Test func fusionParametersOutOfRangeAreRejected() async throws {
    let path = makeTemporaryDirectory("fusion").appendingPathComponent("i.sqlite").path
    let index = try RetrievalIndex(path: path, encoder: HashingEncoder(), create: true)
    try await index.add(documents: disagreeing)
    for bad in [
      FusionParameters(alpha: 1.5), FusionParameters(alpha: -0.1), FusionParameters(constant: -1),
      FusionParameters(depth: 0),
    ] {
      #expect(throws: EmbeddingError.self) {
        try index.rank("common", depth: 3, mode: .hybrid, parameters: .init(fusion: bad))
      }
    }
  }
}
