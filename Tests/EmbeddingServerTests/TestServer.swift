#if Server
import EmbeddingCore
import Foundation
import Logging
import ServiceLifecycle

@testable import EmbeddingServer

/// An `EmbeddingServer` on an ephemeral loopback port, run in a `ServiceGroup` like `embed-server`,
/// with `LoopbackHTTP` as its client.
final class TestServer: @unchecked Sendable {
  let port: Int
  let group: ServiceGroup
  let task: Task<Void, any Error>

  /// Starts a server with `settings` applied over the defaults (port 0).
  static func start(
    _ settings: [String: String] = [:],
    encoder: @escaping @Sendable () async throws -> any TextEncoder,
    search: @escaping @Sendable (any TextEncoder) async throws -> (any SearchBackend)? = { _ in nil
    }
  ) async throws -> TestServer {
    var config = ServerConfiguration()
    try config.apply(["port": "0", "max-wait-ms": "2"].merging(settings) { $1 }, source: "test")
    var logger = Logger(label: "test.server")
    logger.logLevel = .warning
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let server = EmbeddingServer(
      configuration: config, logger: logger, loadEncoder: encoder, loadSearch: search
    ) { _, port in continuation.yield(port) }
    let group = ServiceGroup(
      configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
    // The stream ends with the group, so a server that stops before listening fails the test
    // instead of leaving it waiting for a port.
    let task = Task {
      defer { continuation.finish() }
      try await group.run()
    }
    var port = 0
    for await p in stream {
      port = p
      break
    }
    if port == 0 {
      try await task.value
      throw LoopbackHTTP.Failure(description: "the server stopped before it listened")
    }
    return TestServer(port: port, group: group, task: task)
  }

  private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
    self.port = port
    self.group = group
    self.task = task
  }

  /// One answer: status, headers, body.
  struct Reply {
    let status: Int
    let headers: [String: String]
    let body: Data

    /// The body as a JSON object.
    var json: [String: Any] {
      (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// `error.<field>` of an OpenAI error object.
    func error(_ field: String) -> String? {
      (json["error"] as? [String: Any])?[field] as? String
    }

    /// A header, case-insensitively.
    func header(_ name: String) -> String? {
      headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
  }

  /// Sends one request.
  func request(
    _ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]
  ) async throws -> Reply {
    try await LoopbackHTTP.request(
      port: port, method: method, path: path, headers: headers, body: body)
  }

  /// POSTs a JSON object to `/v1/embeddings`.
  func embed(_ object: [String: Any], headers: [String: String] = [:]) async throws -> Reply {
    try await request(
      "POST", "/v1/embeddings", body: try JSONSerialization.data(withJSONObject: object),
      headers: headers)
  }

  /// Graceful shutdown, then waits for the group to end.
  func stop() async throws {
    await group.triggerGracefulShutdown()
    try await task.value
  }
}

/// The `embedding` arrays of a float response.
func embeddings(_ reply: TestServer.Reply) -> [[Float]] {
  let data = reply.json["data"] as? [[String: Any]] ?? []
  return data.map { ($0["embedding"] as? [Double] ?? []).map(Float.init) }
}
#endif
