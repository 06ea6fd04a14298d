#if Server
import Prometheus

/// The server's Prometheus metrics, served as text at `GET /metrics`.
///
/// `embeddingkit_requests_total{route,status}`, `embeddingkit_request_duration_seconds{route}`
/// (histogram), `embeddingkit_batch_size` (texts per encoder call, histogram),
/// `embeddingkit_queue_depth` (texts waiting), `embeddingkit_texts_total`, `embeddingkit_tokens_total`,
/// `embeddingkit_encode_seconds_total` (wall time the encoder spent on batches: divided by the
/// elapsed time it is the encoder's busy fraction).
final class ServerMetrics: Sendable {
  /// The registry the text exposition is made from.
  let registry = PrometheusCollectorRegistry()
  /// Texts waiting in the batch queue.
  let queueDepth: Gauge
  /// Texts per encoder call.
  let batchSize: ValueHistogram
  /// Texts embedded.
  let texts: Counter
  /// Tokens embedded (as counted for `usage`).
  let tokens: Counter
  /// Wall seconds spent inside encoder calls.
  let encodeSeconds: Counter

  private static let latencyBuckets: [Duration] = [
    .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
    .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
    .milliseconds(2500), .seconds(5), .seconds(10),
  ]

  private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor
  {
    MetricNameDescriptor(
      namespace: "embeddingkit", metricName: metric, unitName: unit, helpText: help)
  }

  /// Creates the metrics in a fresh registry.
  init() {
    queueDepth = registry.makeGauge(
      descriptor: Self.name("queue_depth", "", "Texts waiting in the batch queue"))
    batchSize = registry.makeValueHistogram(
      descriptor: Self.name("batch_size", "", "Texts per encoder call"),
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])
    texts = registry.makeCounter(descriptor: Self.name("texts", "total", "Texts embedded"))
    tokens = registry.makeCounter(descriptor: Self.name("tokens", "total", "Tokens embedded"))
    encodeSeconds = registry.makeCounter(
      descriptor: Self.name("encode_seconds", "total", "Wall seconds spent in encoder calls"))
  }

  /// Counts one answered request and its latency.
  func record(route: String, status: Int, duration: Duration) {
    registry.makeCounter(
      descriptor: Self.name("requests", "total", "HTTP requests answered"),
      labels: [("route", route), ("status", String(status))]
    ).increment()
    registry.makeDurationHistogram(
      descriptor: Self.name("request_duration", "seconds", "Time from request to response"),
      labels: [("route", route)], buckets: Self.latencyBuckets
    ).record(duration)
  }

  /// The Prometheus text exposition.
  func exposition() -> [UInt8] { registry.emitToBuffer() }
}
#endif
