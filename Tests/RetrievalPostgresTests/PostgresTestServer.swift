import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Retrieval

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
    guard let url else { throw EmbeddingError.invalidArgument("EMBEDDINGKIT_POSTGRES_URL is unset") }
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
  }

  /// A store on a fresh schema.
  static func freshStore() async throws -> PostgresStore {
    try await PostgresStore(url: try freshURL())
  }

  /// Drops the store's schema and closes it.
  static func drop(_ store: PostgresStore) async {
    try? await store._dropSchema()
    await store.close()
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
