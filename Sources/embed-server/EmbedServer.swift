#if Server
import ArgumentParser
import EmbeddingCore
import EmbeddingServer
import Foundation
import Logging
import ServiceLifecycle

/// `embed-server`: the OpenAI-compatible embedding server, a separate product so that `embed`
/// never builds SwiftNIO or Hummingbird.
@main
struct EmbedServer: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed-server",
    abstract: "Serve an encoder over HTTP with OpenAI's embeddings API.",
    discussion: """
      Routes: POST /v1/embeddings, GET /v1/models, GET /health, GET /metrics.
      Settings come from flags, then EMBEDDINGKIT_SERVER_<NAME> environment variables
      (EMBEDDINGKIT_SERVER_API_KEY, EMBEDDINGKIT_SERVER_MAX_BATCH_SIZE, ...), then --config FILE
      (a JSON object with the same names: {"port": 8080, "max-batch-size": 32}).

        swift build -c release --traits Server --product embed-server
        .build/release/embed-server --model all-MiniLM-L6-v2 --port 8080 --api-key secret
        curl -s localhost:8080/v1/embeddings -H 'Authorization: Bearer secret' \\
          -d '{"model": "all-MiniLM-L6-v2", "input": ["a cat", "a dog"]}'
      """)

  @Option(
    help: "Model folder (sentence-transformers layout), or a name under $EMBEDDINGKIT_MODELS.")
  var model: String?
  @Option(help: "Retrieval index (built with the same model) to serve at /v1/search and /.")
  var index: String?
  @Option(help: "Address to bind. [default: 127.0.0.1]")
  var host: String?
  @Option(help: "TCP port, 0 for any free one. [default: 8080]")
  var port: Int?
  @Option(
    name: .customLong("api-key"), help: "Require Authorization: Bearer KEY (all but /health).")
  var apiKey: String?
  @Option(name: .customLong("model-name"), help: "Model id for clients. [default: the folder name]")
  var modelName: String?
  @Flag(
    name: .customLong("allow-any-model"), help: "Answer any 'model' value with the served model.")
  var allowAnyModel = false
  @Option(name: .customLong("max-batch-size"), help: "Most texts per encoder call. [default: 32]")
  var maxBatchSize: Int?
  @Option(
    name: .customLong("encoder-workers"),
    help: "Batches encoded at once, each on cores/N threads. [default: one per core]")
  var encoderWorkers: Int?
  @Option(name: .customLong("max-wait-ms"), help: "Longest wait for a batch to fill. [default: 5]")
  var maxWaitMs: Double?
  @Option(name: .customLong("max-queue"), help: "Most queued texts before 429. [default: 4096]")
  var maxQueue: Int?
  @Option(name: .customLong("max-body-bytes"), help: "Largest body before 413. [default: 16 MiB]")
  var maxBodyBytes: Int?
  @Option(name: .customLong("max-inputs"), help: "Most inputs per request. [default: 2048]")
  var maxInputs: Int?
  @Option(name: .customLong("max-tokens-per-input"), help: "Most tokens per input. [default: 8192]")
  var maxTokensPerInput: Int?
  @Flag(help: "Cut inputs longer than --max-tokens-per-input instead of answering 400.")
  var truncate = false
  @Option(
    name: .customLong("idle-timeout"),
    help: "Seconds a connection may stay idle or trickle its headers. [default: 30]")
  var idleTimeout: Double?
  @Option(
    name: .customLong("log-level"),
    help: "trace, debug, info, notice, warning, error. [default: info]")
  var logLevel: String?
  @Option(help: "JSON config file with the same setting names.")
  var config: String?

  func run() async throws {
    var flags: [String: String] = [:]
    let pairs: [(String, String?)] = [
      ("model", model), ("index", index), ("host", host), ("port", port.map(String.init)),
      ("api-key", apiKey), ("model-name", modelName),
      ("allow-any-model", allowAnyModel ? "true" : nil),
      ("max-batch-size", maxBatchSize.map(String.init)),
      ("encoder-workers", encoderWorkers.map(String.init)),
      ("max-wait-ms", maxWaitMs.map { "\($0)" }),
      ("max-queue", maxQueue.map(String.init)), ("max-body-bytes", maxBodyBytes.map(String.init)),
      ("max-inputs", maxInputs.map(String.init)),
      ("max-tokens-per-input", maxTokensPerInput.map(String.init)),
      ("truncate", truncate ? "true" : nil), ("idle-timeout", idleTimeout.map { "\($0)" }),
      ("log-level", logLevel),
    ]
    for (key, value) in pairs { if let value { flags[key] = value } }
    var settings: ServerConfiguration
    do {
      settings = try ServerConfiguration.resolve(
        flags: flags,
        configFile: config ?? ProcessInfo.processInfo.environment["EMBEDDINGKIT_SERVER_CONFIG"],
        environment: ProcessInfo.processInfo.environment)
    } catch {
      throw ValidationError(error.description)
    }
    guard let modelDirectory = settings.modelDirectory else {
      throw ValidationError(
        "give a model folder: --model DIR (or EMBEDDINGKIT_SERVER_MODEL, or \"model\" in --config)")
    }
    var logger = Logger(label: "embeddingkit.server")
    logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
    let indexPath = settings.indexPath
    let batchSize = settings.maxBatchSize
    // One worker per core, each encoding its batch on one thread: a batch never waits at a
    // barrier for a thread that the HTTP work (or another process) delayed.
    let cores = Parallelism.defaultThreads
    let workers = min(settings.encoderWorkers ?? cores, cores)
    settings.encoderWorkers = workers
    let threads = max(1, cores / workers)
    let server = EmbeddingServer(
      configuration: settings, logger: logger,
      loadEncoder: {
        try EncoderLoader.load(model: modelDirectory, batchSize: batchSize, threads: threads)
      },
      loadSearch: { encoder in
        guard let indexPath else { return nil }
        return try EncoderLoader.index(path: indexPath, encoder: encoder)
      })
    let group = ServiceGroup(
      configuration: .init(
        services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
  }
}
#endif
