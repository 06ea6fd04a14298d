#if Server
import EmbeddingCore
import Foundation
import Logging
import ServiceLifecycle

@testable import EmbeddingServer

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// An `EmbeddingServer` on an ephemeral loopback port, run in a `ServiceGroup` like `embed-server`,
/// with a plain URLSession client.
final class TestServer: @unchecked Sendable {
  let port: Int
  let group: ServiceGroup
  let task: Task<Void, any Error>
  let session: URLSession

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
    let task = Task { try await group.run() }
    var port = 0
    for await p in stream {
      port = p
      break
    }
    let sessionConfig = URLSessionConfiguration.ephemeral
    sessionConfig.httpMaximumConnectionsPerHost = 64
    sessionConfig.timeoutIntervalForRequest = 60
    return TestServer(
      port: port, group: group, task: task, session: URLSession(configuration: sessionConfig))
  }

  private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>, session: URLSession) {
    self.port = port
    self.group = group
    self.task = task
    self.session = session
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
    guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { throw URLError(.badURL) }
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.httpBody = body
    if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
    for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
    let (data, response) = try await session.data(for: request)
    guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
    var fields: [String: String] = [:]
    for (k, v) in http.allHeaderFields { fields["\(k)"] = "\(v)" }
    return Reply(status: http.statusCode, headers: fields, body: data)
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
    session.invalidateAndCancel()
  }
}

/// The `embedding` arrays of a float response.
func embeddings(_ reply: TestServer.Reply) -> [[Float]] {
  let data = reply.json["data"] as? [[String: Any]] ?? []
  return data.map { ($0["embedding"] as? [Double] ?? []).map(Float.init) }
}
#endif
