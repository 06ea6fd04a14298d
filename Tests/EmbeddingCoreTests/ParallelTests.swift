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

  @Test func atomicCounterGivesEveryTotalOnceUnderContention() {
    let counter = AtomicCounter()
    let seen = ParallelSlots<Int>(count: 20_000, initial: 0)
    parallelFor(20_000, threads: 4) { _ in seen[counter.add(1) - 1] += 1 }
    #expect(counter.add(0) == 20_000)
    #expect((0..<20_000).allSatisfy { seen[$0] == 1 })  // no lost or repeated increment
  }

  @Test func cancellationIsSeenByOtherThreads() {
    let token = CancellationToken()
    #expect(!token.isCancelled)
    Thread.detachNewThread { token.cancel() }
    let deadline = Date().addingTimeInterval(10)
    while !token.isCancelled && Date() < deadline { usleep(100) }
    #expect(token.isCancelled)
  }

  /// One thread-count policy: no `threads` default outside `Parallelism` reads the core count.
  ///
  /// Such a default would ignore EMBEDDINGKIT_THREADS. Scans the sources of this checkout.
  @Test func noThreadsDefaultBypassesThePolicy() throws {
    let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let sources = root.appendingPathComponent("Sources")
    let files = try #require(FileManager.default.enumerator(atPath: sources.path))
      .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
    #expect(files.count > 100, "the sources were not found at \(sources.path)")
    for file in files {
      guard file != "EmbeddingCore/Parallel/Parallel.swift" else { continue }
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      #expect(!text.contains("activeProcessorCount"), "\(file) reads the core count itself")
    }
  }
}
