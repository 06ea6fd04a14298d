import EmbeddingCore
import Foundation

/// Settings of `LanguageModelTrainer` (defaults in brackets are the CLI's).
public struct LanguageModelTrainingOptions: Sendable {
  /// Tokens per window [32].
  public var contextLength = 32
  /// Tokens between training windows [= contextLength].
  public var stride: Int? = nil
  /// Windows per step [16].
  public var batchSize = 16
  /// Passes over the training windows [3].
  public var epochs = 3
  /// Stop each epoch after this many steps (nil: all batches) [nil].
  public var maximumStepsPerEpoch: Int? = nil
  /// Seed of the batch order [123].
  public var seed: UInt64 = 123
  /// Also evaluate the validation loss every this many steps (nil: only per epoch).
  public var evaluationInterval: Int? = nil

  /// Default settings.
  public init() {}
}

/// The validation loss at one point of training.
public struct TrainingEvaluation: Sendable {
  /// Epoch (0 = before training).
  public var epoch: Int
  /// Optimiser steps so far.
  public var step: Int
  /// Mean training loss of the steps since the previous evaluation (nil before training).
  public var trainingLoss: Double?
  /// Mean cross-entropy (nats per token) on the held-out windows.
  public var validationLoss: Double
  /// exp(validationLoss).
  public var validationPerplexity: Double { exp(validationLoss) }
  /// Seconds since training started.
  public var seconds: Double
}

/// Trains a `NextTokenModel` on token IDs, evaluating on held-out IDs.
///
/// ```swift
/// let trainer = try LanguageModelTrainer(model: model, trainingIDs: train,
///                                        validationIDs: valid, options: options)
/// let curve = try trainer.train(optimizer: .adamW(learningRate: 3e-3)) { print($0) }
/// ```
public final class LanguageModelTrainer {
  /// The model being trained.
  public let model: NextTokenModel
  /// Training batches.
  public let loader: BatchLoader
  /// Validation batches (not shuffled, last batch kept).
  public let validation: BatchLoader
  /// The settings.
  public let options: LanguageModelTrainingOptions

  /// Prepares the windows.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if either part is shorter than one window,
  ///   the context exceeds the model's, or an ID is outside the model's vocabulary.
  public init(
    model: NextTokenModel, trainingIDs: [Int32], validationIDs: [Int32],
    options: LanguageModelTrainingOptions
  ) throws {
    guard options.epochs >= 1 && options.epochs <= 1_000_000 else {
      throw EmbeddingError.invalidArgument(
        "epochs must be in 1...1000000 (got \(options.epochs))")
    }
    guard options.contextLength <= model.contextLength else {
      throw EmbeddingError.invalidArgument(
        "context length \(options.contextLength) exceeds the model's positional table "
          + "(\(model.contextLength))")
    }
    let v = Int32(model.vocabularySize)
    if let bad = (trainingIDs + validationIDs).first(where: { $0 < 0 || $0 >= v }) {
      throw EmbeddingError.invalidArgument(
        "token ID \(bad) is outside the model's vocabulary of \(v)")
    }
    self.model = model
    self.options = options
    let train = try SlidingWindowDataset(
      tokenIDs: trainingIDs, maxLength: options.contextLength,
      stride: options.stride ?? options.contextLength)
    loader = try BatchLoader(
      dataset: train, batchSize: options.batchSize, shuffle: true, dropLast: true,
      seed: options.seed)
    let valid: SlidingWindowDataset
    do {
      valid = try SlidingWindowDataset(
        tokenIDs: validationIDs, maxLength: options.contextLength, stride: options.contextLength)
    } catch {
      throw EmbeddingError.invalidArgument(
        "the held-out part has \(validationIDs.count) tokens, fewer than one window of "
          + "\(options.contextLength + 1); use a longer text or a larger validation fraction")
    }
    validation = try BatchLoader(
      dataset: valid, batchSize: options.batchSize, shuffle: false, dropLast: false)
  }

  /// Mean validation loss over all held-out windows.
  public func validationLoss() throws -> Double {
    var total = 0.0
    var tokens = 0
    for batch in validation.batches() {
      let n = batch.batchSize * batch.contextLength
      total += try model.loss(batch) * Double(n)
      tokens += n
    }
    return total / Double(tokens)
  }

  /// The validation loss of a unigram model (each token's training frequency, add-one
  /// smoothed) on the same held-out targets: the baseline a next-token model must beat.
  public func unigramValidationLoss() -> Double {
    let v = model.vocabularySize
    var counts = [Double](repeating: 1, count: v)
    let train = loader.dataset.tokenIDs
    for id in train { counts[Int(id)] += 1 }
    let total = Double(train.count + v)
    var loss = 0.0
    var n = 0
    for batch in validation.batches() {
      for target in batch.targets {
        loss -= log(counts[Int(target)] / total)
        n += 1
      }
    }
    return loss / Double(n)
  }

  /// Runs `options.epochs` epochs; returns the evaluations (before training, then per epoch and
  /// every `evaluationInterval` steps).
  ///
  /// `onEvaluation` is called as each one is made.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` as soon as a step's loss or a validation loss
  ///   is NaN or infinite (training diverged: the learning rate or the initial weights are too
  ///   large); the model's weights are then unusable.
  public func train(
    optimizer: GradientOptimizer, progress: ProgressHandler? = nil,
    cancellation: CancellationToken? = nil,
    onEvaluation: (TrainingEvaluation) -> Void = { _ in }
  ) throws -> [TrainingEvaluation] {
    var optimizer = optimizer
    let start = MonotonicClock.now()
    let perEpoch = min(loader.batchCount, options.maximumStepsPerEpoch ?? Int.max)
    // Saturating: a huge epoch count must not overflow (it only sets the progress total).
    let (product, overflow) = perEpoch.multipliedReportingOverflow(by: options.epochs)
    let totalSteps = overflow ? Int.max : product
    let initialLoss = try validationLoss()
    try Self.checkFinite(initialLoss, what: "the held-out loss of the initial weights", step: 0)
    var curve = [
      TrainingEvaluation(
        epoch: 0, step: 0, trainingLoss: nil, validationLoss: initialLoss,
        seconds: MonotonicClock.now() - start)
    ]
    onEvaluation(curve[0])
    var step = 0
    var sinceEvaluation = (loss: 0.0, steps: 0)
    var lastReport = 0.0
    func evaluate(epoch: Int) throws {
      let validationLoss = try validationLoss()
      try Self.checkFinite(validationLoss, what: "the held-out loss", step: step)
      let e = TrainingEvaluation(
        epoch: epoch, step: step,
        trainingLoss: sinceEvaluation.loss / Double(max(1, sinceEvaluation.steps)),
        validationLoss: validationLoss, seconds: MonotonicClock.now() - start)
      sinceEvaluation = (0, 0)
      curve.append(e)
      onEvaluation(e)
    }
    model.zeroGradients()
    for epoch in 1...options.epochs {
      let batches = loader.batches(epoch: epoch)
      for index in 0..<perEpoch {
        if cancellation?.isCancelled == true { throw EmbeddingError.cancelled }
        let loss = try model.lossAndGradients(batches[index])
        try Self.checkFinite(loss, what: "the training loss", step: step + 1)
        optimizer.step(model.parameters)
        step += 1
        sinceEvaluation.loss += loss
        sinceEvaluation.steps += 1
        let now = MonotonicClock.now()
        if let progress, now - lastReport > 0.1 || step == totalSteps {
          lastReport = now
          progress(
            ProgressReport(
              stage: "training", completed: step, total: totalSteps, unit: "steps",
              elapsed: now - start,
              metrics: ["loss": sinceEvaluation.loss / Double(sinceEvaluation.steps)]))
        }
        if let k = options.evaluationInterval, step % k == 0, index != perEpoch - 1 {
          try evaluate(epoch: epoch)
        }
      }
      try evaluate(epoch: epoch)
    }
    return curve
  }

  /// Throws if `loss` is NaN or infinite, naming the likely causes.
  static func checkFinite(_ loss: Double, what: String, step: Int) throws {
    guard !loss.isFinite else { return }
    throw EmbeddingError.invalidArgument(
      "\(what) became \(loss) at step \(step): training diverged; use a smaller learning rate "
        + "or a smaller standard deviation of the initial weights")
  }
}
