#if Server
import Foundation
import Testing

@testable import EmbeddingServer

/// Health while loading, metrics, dynamic batching, the bounded queue, faults and shutdown.
@Suite struct OperationsTests {
  let model = "test-encoder"

  @Test func healthIsReadyOnlyOnceTheModelIsLoaded() async throws {
    let (gate, open) = AsyncStream<Void>.makeStream()
    let server = try await TestServer.start {
      for await _ in gate { break }
      return TestEncoder()
    }
    let loading = try await server.request("GET", "/health")
    #expect(loading.status == 503)
    #expect(loading.json["status"] as? String == "loading")
    let early = try await server.embed(["input": "x", "model": model])
    #expect(early.status == 503)
    #expect(early.header("Retry-After") == "1")
    open.yield()
    var status = 0
    for _ in 0..<200 where status != 200 {
      status = try await server.request("GET", "/health").status
      if status != 200 { try await Task.sleep(for: .milliseconds(10)) }
    }
    #expect(status == 200)
    #expect(try await server.embed(["input": "x", "model": model]).status == 200)
    try await server.stop()
  }

  @Test func concurrentRequestsShareBatches() async throws {
    let encoder = TestEncoder(delay: 0.02)
    let server = try await TestServer.start(["max-batch-size": "64", "max-wait-ms": "20"]) {
      encoder
    }
    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
      for i in 0..<32 {
        group.addTask {
          try await server.embed(["input": ["request \(i) a", "request \(i) b"], "model": model])
            .status
        }
      }
      return try await group.reduce(into: [Int]()) { $0.append($1) }
    }
    #expect(statuses == Array(repeating: 200, count: 32))
    let batches = encoder.batches
    #expect(batches.reduce(0, +) == 64)
    #expect(batches.max() ?? 0 > 2, "no two requests shared a batch: \(batches)")
    #expect(batches.allSatisfy { $0 <= 64 })
    try await server.stop()
  }

  @Test func fullQueueAnswers429WithRetryAfterAndNothingElse() async throws {
    let encoder = TestEncoder(delay: 0.05)
    let server = try await TestServer.start(["max-batch-size": "4", "max-queue": "8"]) { encoder }
    let replies = try await withThrowingTaskGroup(of: TestServer.Reply.self) { group in
      for i in 0..<40 {
        group.addTask { try await server.embed(["input": ["a \(i)", "b \(i)"], "model": model]) }
      }
      return try await group.reduce(into: [TestServer.Reply]()) { $0.append($1) }
    }
    let statuses = replies.map(\.status)
    #expect(Set(statuses).isSubset(of: [200, 429]), "\(statuses)")
    #expect(statuses.contains(429))
    #expect(statuses.contains(200))
    for reply in replies where reply.status == 429 {
      #expect(reply.header("Retry-After") == "1")
      #expect(reply.error("code") == "rate_limit_exceeded")
    }
    // Once drained, the queue takes requests again.
    #expect(try await server.embed(["input": "later", "model": model]).status == 200)
    try await server.stop()
  }

  @Test func metricsAreExposedAsPrometheusText() async throws {
    let server = try await TestServer.start { TestEncoder() }
    _ = try await server.embed(["input": ["a b", "c"], "model": model])
    _ = try await server.request("GET", "/nowhere")
    let reply = try await server.request("GET", "/metrics")
    #expect(reply.status == 200)
    #expect(reply.header("Content-Type")?.hasPrefix("text/plain") == true)
    let text = String(decoding: reply.body, as: UTF8.self)
    #expect(text.contains(#"embeddingkit_requests_total{route="/v1/embeddings",status="200"} 1"#))
    #expect(text.contains(#"embeddingkit_requests_total{route="other",status="404"} 1"#))
    #expect(text.contains("embeddingkit_request_duration_seconds_bucket"))
    #expect(text.contains("embeddingkit_batch_size_count 1"))
    #expect(text.contains("embeddingkit_queue_depth 0"))
    #expect(text.contains("embeddingkit_texts_total 2"))
    #expect(text.contains("embeddingkit_tokens_total 3"))
    try await server.stop()
  }

  @Test func gracefulShutdownFinishesInFlightAndRefusesNew() async throws {
    let encoder = TestEncoder(delay: 0.5)
    let server = try await TestServer.start { encoder }
    let inFlight = Task { try await server.embed(["input": "slow one", "model": model]) }
    while encoder.batches.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
    await server.group.triggerGracefulShutdown()
    let reply = try await inFlight.value
    #expect(reply.status == 200)
    #expect(embeddings(reply).first?.count == 16)
    try await server.task.value
    #expect(
      await rawExchange(port: server.port, send: [Array("GET /health HTTP/1.1\r\n\r\n".utf8)]) == nil)
  }

  @Test func slowAndVanishingClientsDoNotHurtOthers() async throws {
    let server = try await TestServer.start(["idle-timeout": "1"]) { TestEncoder() }
    // Headers sent in pieces, slowly: still answered.
    let slow = await rawExchange(
      port: server.port,
      send: ["GET /hea", "lth HTTP/1.1\r\nHost: x\r\n", "Connection: close\r\n\r\n"].map {
        Array($0.utf8)
      },
      pause: 0.2)
    #expect(slow?.hasPrefix("HTTP/1.1 200") == true)
    // A body announced as 1000 bytes, 10 sent, then the client vanishes.
    _ = await rawExchange(
      port: server.port,
      send: [
        Array(
          "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"input\":".utf8)
      ],
      readReply: false)
    // Headers never finished: the idle timeout (1 s) closes the connection well before the read
    // timeout (8 s).
    let clock = ContinuousClock()
    let start = clock.now
    let stalled = await rawExchange(
      port: server.port, send: [Array("GET /health HTTP/1.1\r\n".utf8)], readTimeout: 8)
    #expect(stalled == "")
    #expect(clock.now - start < .seconds(5))
    #expect(try await server.embed(["input": "fine", "model": model]).status == 200)
    try await server.stop()
  }
}

#endif
