#if Server
import EmbeddingCore
import Foundation
import Testing

@testable import EmbeddingServer

/// `BatchQueue` on its own: rows go back to the request that sent them, in its order, with one
/// worker or several encoding at once.
@Suite struct BatchQueueTests {
  /// Requests of 1 to 5 distinct texts each, sent concurrently.
  static func requests(_ count: Int) -> [[String]] {
    (0..<count).map { r in
      (0...(r % 5)).map { "request \(r) text \($0) " + String(repeating: "w", count: r % 7) }
    }
  }

  /// Sends every request at once and checks each answer against the encoder's own vectors for
  /// that request alone.
  static func check(workers: Int, encoder: TestEncoder) async throws {
    let queue = BatchQueue(
      encoder: encoder, maxBatchSize: 4, maxWait: .milliseconds(1), capacity: 1000, workers: workers
    )
    let requests = Self.requests(12)
    let answers = try await withThrowingTaskGroup(of: (Int, Matrix).self) { group in
      for (i, texts) in requests.enumerated() {
        group.addTask { (i, try await queue.encode(texts, role: .plain)) }
      }
      var out: [Int: Matrix] = [:]
      for try await (i, rows) in group { out[i] = rows }
      return out
    }
    #expect(encoder.batches.allSatisfy { $0 <= 4 })
    #expect(encoder.batches.reduce(0, +) == requests.joined().count)
    for (i, texts) in requests.enumerated() {
      let rows = try #require(answers[i])
      let alone = try encoder.encode(texts, role: .plain)
      #expect(rows.rows == texts.count && rows.columns == alone.columns)
      for r in 0..<texts.count {
        let got = Array(UnsafeBufferPointer(start: rows.rowPointer(r), count: rows.columns))
        let want = Array(UnsafeBufferPointer(start: alone.rowPointer(r), count: alone.columns))
        #expect(got == want, "request \(i) row \(r)")
      }
    }
    #expect(await queue.depth == 0)
  }

  @Test func twoWorkersEncodeAtOnceAndKeepEachRequestsRows() async throws {
    // Each call waits (up to 10 s) for a second one: with two workers the second must start while
    // the first encodes, however slowly the test machine schedules them.
    let encoder = TestEncoder(delay: 0.02, overlapWait: 10)
    try await Self.check(workers: 2, encoder: encoder)
    #expect(encoder.maxInFlight == 2)
  }

  @Test func oneWorkerNeverOverlapsBatches() async throws {
    let encoder = TestEncoder(delay: 0.005)
    try await Self.check(workers: 1, encoder: encoder)
    #expect(encoder.maxInFlight == 1)
  }
}
#endif
