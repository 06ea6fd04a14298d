#if Postgres
import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Retrieval
import Testing

@testable import RetrievalPostgres

/// The test server from `EMBEDDINGKIT_POSTGRES_URL` (started by .ci/run or Benchmarks/postgres.sh);
/// tests that need it are skipped when it is unset.
enum PostgresTestServer {
  /// The server URL, if set.
  static let url: String? = {
    let url = ProcessInfo.processInfo.environment["EMBEDDINGKIT_POSTGRES_URL"] ?? ""
    return url.isEmpty ? nil : url
  }()

  /// Whether the tests that need a server run.
  static var isAvailable: Bool { url != nil }

  /// `url` with a fresh schema, so each test has its own index.
  static func freshURL() throws -> String {
    guard let url else {
      throw EmbeddingError.invalidArgument("EMBEDDINGKIT_POSTGRES_URL is unset")
    }
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
  }

  /// Runs `body` with a store on a fresh schema, then drops the schema and closes the store, on
  /// success and on error alike (PostgresNIO traps in debug on a connection released open).
  static func withFreshStore<T: Sendable>(_ body: (PostgresStore) async throws -> T) async throws
    -> T
  {
    try await PostgresStore.with(url: try freshURL()) { store in
      let value: T
      do {
        value = try await body(store)
      } catch {
        try? await store._dropSchema()
        throw error
      }
      try? await store._dropSchema()
      return value
    }
  }

  /// Runs `body` with a `PipeStore` (an `embed-postgres` process) on `url`, closing it on success and
  /// on error alike.
  static func withPipeStore<T: Sendable>(
    url: String, _ body: (PipeStore) async throws -> T
  ) async throws -> T {
    let program = try #require(pipeExecutable)
    let pipe = try PipeStore(executable: program, url: url, location: "pipe")
    let value: T
    do {
      value = try await body(pipe)
    } catch {
      await pipe.close()
      throw error
    }
    await pipe.close()
    return value
  }

  /// `embed-postgres` built next to the test bundle, if it was built.
  static var pipeExecutable: String? {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("embed-postgres").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir.deleteLastPathComponent()
    }
    let build = SharedData.packageRoot.appendingPathComponent(".build/debug/embed-postgres").path
    return FileManager.default.isExecutableFile(atPath: build) ? build : nil
  }
}
#endif
