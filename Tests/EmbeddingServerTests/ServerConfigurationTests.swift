#if Server
import EmbeddingCore
import Foundation
import Testing

@testable import EmbeddingServer

/// Settings from flags, environment variables and a JSON file, in that order of precedence.
@Suite struct ServerConfigurationTests {
  @Test func defaultsBindLoopback() {
    let config = ServerConfiguration()
    #expect(config.host == "127.0.0.1")
    #expect(config.apiKey == nil)
    #expect(config.maxInputsPerRequest == 2048)
    #expect(config.maxTokensPerInput == 8192)
  }

  @Test func flagsBeatEnvironmentWhichBeatsTheFile() throws {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("embed-server-\(UUID().uuidString).json").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(
      #"{"port": 9000, "max-batch-size": 8, "api-key": "file", "truncate": true, "max-wait-ms": 2.5}"#
        .utf8
    )
    .write(to: URL(fileURLWithPath: path))
    let config = try ServerConfiguration.resolve(
      flags: ["port": "9002"], configFile: path,
      environment: [
        "EMBEDDINGKIT_SERVER_PORT": "9001", "EMBEDDINGKIT_SERVER_API_KEY": "env",
        "EMBEDDINGKIT_SERVER_MAX_QUEUE": "77", "UNRELATED": "x",
      ])
    #expect(config.port == 9002)
    #expect(config.apiKey == "env")
    #expect(config.maxQueuedTexts == 77)
    #expect(config.maxBatchSize == 8)
    #expect(config.truncate)
    #expect(config.maxWaitMilliseconds == 2.5)
  }

  @Test func badValuesNameTheSettingAndSource() {
    for bad in [["port": "70000"], ["max-batch-size": "0"], ["truncate": "maybe"], ["port": "x"]] {
      #expect(throws: EmbeddingError.self) {
        var config = ServerConfiguration()
        try config.apply(bad, source: "x")
      }
    }
    var config = ServerConfiguration()
    do {
      try config.apply(["max-batch": "4"], source: "environment")
      Issue.record("unknown key accepted")
    } catch {
      #expect("\(error)".contains("max-batch"))
      #expect("\(error)".contains("environment"))
    }
    #expect(throws: EmbeddingError.self) {
      _ = try ServerConfiguration.fileValues(path: "/nonexistent/config.json")
    }
  }
}
#endif
