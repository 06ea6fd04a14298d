import EmbeddingCore
import Foundation

/// Progress shared by the worker threads: words trained (which sets the learning rate), the
/// loss estimate, and rate-limited `ProgressReport`s. Workers touch it every ~10,000 words.
///
/// `@unchecked Sendable`: all mutable state is guarded by `lock`.
package final class TrainingProgress: @unchecked Sendable {
  private let lock = NSLock()
  private var wordsDone = 0
  private var lossSum = 0.0
  private var lossPairs = 0
  private var lastReport: Double
  private var lastLoss = Double.nan
  let start: Double
  let totalWords: Int
  let startAlpha: Float
  let minAlpha: Float
  let handler: ProgressHandler?
  let cancellation: CancellationToken?
  let stage: String

  package init(
    totalWords: Int, startAlpha: Float, minAlpha: Float, stage: String, handler: ProgressHandler?,
    cancellation: CancellationToken?
  ) {
    self.totalWords = max(totalWords, 1)
    self.startAlpha = startAlpha
    self.minAlpha = minAlpha
    self.stage = stage
    self.handler = handler
    self.cancellation = cancellation
    start = MonotonicClock.now()
    lastReport = start
  }

  /// The learning rate after `done` words: linear from startAlpha to minAlpha.
  package func alpha(after done: Int) -> Float {
    let fraction = min(1, Double(done) / Double(totalWords))
    return max(minAlpha, startAlpha - Float(fraction) * (startAlpha - minAlpha))
  }

  /// Adds a worker's counts; returns the new learning rate and whether to stop.
  package func add(words: Int, loss: Double, pairs: Int) -> (alpha: Float, cancelled: Bool) {
    lock.lock()
    wordsDone += words
    lossSum += loss
    lossPairs += pairs
    let done = wordsDone
    let now = MonotonicClock.now()
    var report: ProgressReport?
    if handler != nil && now - lastReport >= 0.2 {
      lastReport = now
      report = makeReport(now: now)
    }
    lock.unlock()
    if let report { handler?(report) }
    return (alpha(after: done), cancellation?.isCancelled == true)
  }

  private func makeReport(now: Double) -> ProgressReport {
    if lossPairs > 0 {
      lastLoss = lossSum / Double(lossPairs)
      lossSum = 0
      lossPairs = 0
    }
    var metrics: [String: Double] = ["alpha": Double(alpha(after: wordsDone))]
    if !lastLoss.isNaN { metrics["loss"] = lastLoss }
    return ProgressReport(
      stage: stage, completed: wordsDone, total: totalWords, unit: "words", elapsed: now - start,
      metrics: metrics)
  }

  /// The final report (always sent).
  package func finish() -> ProgressReport {
    lock.lock()
    defer { lock.unlock() }
    let report = makeReport(now: MonotonicClock.now())
    handler?(report)
    return report
  }

  package var words: Int {
    lock.lock()
    defer { lock.unlock() }
    return wordsDone
  }

  /// Mean loss per scored pair over the last report interval (NaN before any).
  var loss: Double {
    lock.lock()
    defer { lock.unlock() }
    return lossPairs > 0 ? lossSum / Double(lossPairs) : lastLoss
  }
}
