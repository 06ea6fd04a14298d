import EmbeddingCore
import Foundation

/// Time spent in each stage of the transformer's forward pass, summed over calls, for profiling.
///
/// Pass one to `BertModel.embed(tokenIDs:threads:profile:)` (or set
/// `SentenceEncoderOptions.profile`); every stage adds its wall-clock seconds as measured by the
/// thread that ran it. When sequences are split between threads (see `BertModel`), each thread
/// times its own stages, so the totals are thread-seconds, not elapsed time.
///
/// ```swift
/// let profile = ForwardProfile()
/// _ = try model.embed(tokenIDs: ids, threads: 1, profile: profile)
/// profile.seconds[.attention]   // e.g. 0.12
/// ```
public final class ForwardProfile: @unchecked Sendable {
  /// A stage of the forward pass.
  public enum Stage: String, CaseIterable, Sendable {
    /// Word + position + type embedding sum and its LayerNorm.
    case embeddings
    /// The fused Q | K | V linear layer.
    case queryKeyValue
    /// Scores, softmax and context for every (sequence, head).
    case attention
    /// The attention output projection.
    case attentionOutput
    /// Residual + LayerNorm after attention.
    case attentionNorm
    /// The feed-forward up-projection with its GELU.
    case feedForwardUp
    /// The feed-forward down-projection.
    case feedForwardDown
    /// Residual + LayerNorm after the feed-forward.
    case outputNorm
    /// Pooling and normalisation.
    case pooling
  }

  private let lock = NSLock()
  private var totals: [Stage: Double] = [:]

  /// An empty profile.
  public init() {}

  /// Seconds per stage so far (stages never run are absent).
  public var seconds: [Stage: Double] {
    lock.lock()
    defer { lock.unlock() }
    return totals
  }

  /// Adds `seconds` to `stage`.
  public func add(_ stage: Stage, _ seconds: Double) {
    lock.lock()
    totals[stage, default: 0] += seconds
    lock.unlock()
  }
}

/// A stopwatch that charges the time since its last lap to a stage of an optional profile.
struct StageClock {
  let profile: ForwardProfile?
  private var last: Double

  init(_ profile: ForwardProfile?) {
    self.profile = profile
    last = profile == nil ? 0 : MonotonicClock.now()
  }

  /// Charges the time since the previous lap (or the start) to `stage`.
  mutating func lap(_ stage: ForwardProfile.Stage) {
    guard let profile else { return }
    let now = MonotonicClock.now()
    profile.add(stage, now - last)
    last = now
  }
}
