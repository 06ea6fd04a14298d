#if Server
import EmbeddingCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The OpenAI-compatible embedding server as a swift-service-lifecycle `Service`.
///
/// It binds first (so `/health` answers `503` while the model loads), loads the encoder, then serves
/// `POST /v1/embeddings`, `GET /v1/models`, `GET /health`, `GET /metrics`, and with a search backend
/// `POST /v1/search` and a search page at `/`. A graceful shutdown
/// (SIGTERM/SIGINT through a `ServiceGroup`) stops accepting connections and lets requests in
/// flight finish.
///
/// ```swift
/// let server = EmbeddingServer(configuration: config, logger: logger) { try SentenceEncoder(directory: dir) }
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct EmbeddingServer: Service {
  /// The settings in force.
  public let configuration: ServerConfiguration
  private let logger: Logger
  private let loadEncoder: @Sendable () async throws -> any TextEncoder
  private let onListening: @Sendable (_ host: String, _ port: Int) async -> Void
  private let loadSearch: @Sendable (any TextEncoder) async throws -> (any SearchBackend)?

  /// Creates a server; nothing happens until `run()`.
  ///
  /// - Parameters:
  ///   - loadEncoder: called once after the socket is bound; `/health` is ready when it returns.
  ///   - loadSearch: opens what `POST /v1/search` searches, given the loaded encoder (nil: no search).
  ///   - onListening: called with the bound address (useful with port 0).
  public init(
    configuration: ServerConfiguration, logger: Logger,
    loadEncoder: @escaping @Sendable () async throws -> any TextEncoder,
    loadSearch: @escaping @Sendable (any TextEncoder) async throws -> (any SearchBackend)? = { _ in
      nil
    },
    onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in }
  ) {
    self.configuration = configuration
    self.logger = logger
    self.loadEncoder = loadEncoder
    self.loadSearch = loadSearch
    self.onListening = onListening
  }

  /// Serves until a graceful shutdown; throws if the socket cannot be bound or the model fails to load.
  public func run() async throws {
    let configuration = self.configuration
    let logger = self.logger
    let state = ServerState()
    let metrics = ServerMetrics()
    let responder = ServerResponder(
      state: state, configuration: configuration, metrics: metrics, logger: logger)
    let onListening = self.onListening
    let app = Application(
      responder: responder,
      server: .http1(
        configuration: .init(
          idleTimeout: .milliseconds(Int64(configuration.idleTimeoutSeconds * 1000)))),
      configuration: .init(
        address: .hostname(configuration.host, port: configuration.port), serverName: "EmbeddingKit"
      ),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? configuration.port
        logger.info(
          "listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        await onListening(configuration.host, port)
      },
      logger: logger)
    let loadEncoder = self.loadEncoder
    let loadSearch = self.loadSearch
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await app.run() }
      group.addTask {
        do {
          let encoder = try await loadEncoder()
          let modelID = configuration.modelName ?? encoder.descriptor.name
          let queue = BatchQueue(
            encoder: encoder, maxBatchSize: configuration.maxBatchSize,
            maxWait: .microseconds(Int64(configuration.maxWaitMilliseconds * 1000)),
            capacity: configuration.maxQueuedTexts, workers: configuration.encoderWorkers ?? 1,
            metrics: metrics)
          let search = try await loadSearch(encoder)
          state.set(
            .ready(
              EmbeddingsService(
                encoder: encoder, queue: queue, modelID: modelID, configuration: configuration,
                metrics: metrics), search: search))
          logger.info(
            "model loaded",
            metadata: [
              "model": "\(modelID)", "dimension": "\(encoder.dimension)",
              "kind": "\(encoder.descriptor.kind)",
            ])
        } catch {
          state.set(.failed("\(error)"))
          logger.critical("model failed to load", metadata: ["error": "\(error)"])
          throw error
        }
      }
      // Ends when the server has shut down, or at the loader's error (which cancels the server).
      try await group.waitForAll()
    }
  }
}
#endif
