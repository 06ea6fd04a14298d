import Atomics
import Foundation

/// A snapshot of a long-running job's progress, sent to a `ProgressHandler`.
///
/// Library code never prints; it reports these and the command line draws a progress bar.
public struct ProgressReport: Sendable {
  /// What is being done ("counting words", "training", "t-SNE").
  public var stage: String
  /// Units done so far (words, bytes, iterations).
  public var completed: Int
  /// Total units, if known.
  public var total: Int?
  /// The name of the unit ("words", "bytes", "iterations").
  public var unit: String
  /// Seconds since the stage started.
  public var elapsed: Double
  /// Extra named values (learning rate, loss, perplexity).
  public var metrics: [String: Double]

  /// Creates a report.
  public init(
    stage: String, completed: Int, total: Int? = nil, unit: String, elapsed: Double,
    metrics: [String: Double] = [:]
  ) {
    self.stage = stage
    self.completed = completed
    self.total = total
    self.unit = unit
    self.elapsed = elapsed
    self.metrics = metrics
  }

  /// Fraction done in [0, 1], if the total is known.
  public var fraction: Double? {
    guard let total, total > 0 else { return nil }
    return min(1, Double(completed) / Double(total))
  }

  /// Units per second.
  public var rate: Double { elapsed > 0 ? Double(completed) / elapsed : 0 }

  /// Estimated seconds left, if the total is known.
  public var eta: Double? {
    guard let total, rate > 0 else { return nil }
    return Double(max(0, total - completed)) / rate
  }
}

/// A callback that receives progress reports, possibly from any thread.
public typealias ProgressHandler = @Sendable (ProgressReport) -> Void

/// A thread-safe cancellation flag that long-running jobs poll (a swift-atomics `ManagedAtomic`).
///
/// ```swift
/// let token = CancellationToken()
/// // on another thread: token.cancel()
/// if token.isCancelled { throw EmbeddingError.cancelled }
/// ```
public final class CancellationToken: Sendable {
  private let cancelled = ManagedAtomic<Bool>(false)

  /// Creates a token that is not cancelled.
  public init() {}

  /// Requests cancellation.
  public func cancel() {
    cancelled.store(true, ordering: .releasing)
  }

  /// Whether cancellation was requested.
  public var isCancelled: Bool {
    cancelled.load(ordering: .acquiring)
  }
}

/// Monotonic wall-clock seconds, for timing and rates.
public enum MonotonicClock {
  /// Seconds since an arbitrary fixed point.
  public static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }
}
