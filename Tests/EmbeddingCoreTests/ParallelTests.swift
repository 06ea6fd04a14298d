import Foundation
import Testing

@testable import EmbeddingCore

@Suite struct ParallelTests {
  @Test func threadPolicyReadsTheOneEnvironmentVariable() {
    let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
    #expect(Parallelism.threads(environment: "3") == 3)
    #expect(Parallelism.threads(environment: " 1 ") == 1)
    for bad in [nil, "", "0", "-2", "many"] as [String?] {
      #expect(Parallelism.threads(environment: bad) == cores)
    }
    #expect(Parallelism.pieces(work: 10, minimumWork: 100, threads: 4) == 1)
    #expect(Parallelism.pieces(work: 100, minimumWork: 100, threads: 4) == 4)
  }

  @Test(arguments: [(0, 3, 1), (1, 4, 1), (10, 3, 1), (100, 7, 1), (100, 3, 16), (5, 8, 16)])
  func chunksCoverEveryIndexOnce(count: Int, pieces: Int, granule: Int) {
    let hits = ParallelSlots<Int>(count: max(count, 1), initial: 0)
    let seen = ParallelSlots<Int>(count: pieces, initial: 0)
    parallelChunks(count, pieces: pieces, granule: granule) { piece, range in
      seen[piece] += 1
      if granule > 1 && range.upperBound < count { #expect(range.count % granule == 0) }
      for i in range { hits[i] += 1 }
    }
    #expect((0..<count).allSatisfy { hits[$0] == 1 })
    #expect((0..<pieces).allSatisfy { seen[$0] <= 1 })
    // With granule 1 every piece runs (callers fill one slot per piece).
    if granule == 1 { #expect((0..<pieces).allSatisfy { seen[$0] == 1 }) }
  }

  @Test func parallelForRunsEveryIndexOnce() {
    let hits = ParallelSlots<Int>(count: 1000, initial: 0)
    parallelFor(1000, threads: 3) { hits[$0] += 1 }
    #expect((0..<1000).allSatisfy { hits[$0] == 1 })
  }
}
