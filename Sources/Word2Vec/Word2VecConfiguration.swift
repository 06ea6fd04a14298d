import EmbeddingCore

/// The settings of a Word2Vec model and its training, with word2vec.c's defaults.
///
/// ```swift
/// var config = Word2VecConfiguration(architecture: .skipGram)
/// config.dimension = 100
/// config.sample = 1e-4
/// config.threads = 1; config.seed = 7   // bit-for-bit reproducible
/// ```
public struct Word2VecConfiguration: Sendable, Equatable {
  /// Which prediction the network learns.
  public enum Architecture: String, Sendable, CaseIterable {
    /// Predict each context word from the centre word (better for rare words; slower).
    case skipGram = "skipgram"
    /// Predict the centre word from the sum or mean of its context (faster).
    case cbow
  }

  /// Skip-gram or CBOW (default skip-gram).
  public var architecture: Architecture
  /// Vector dimension (default 100).
  public var dimension = 100
  /// Maximum distance between centre and context word; each centre word draws its actual window
  /// uniformly from 1...window (default 5).
  public var window = 5
  /// Negative samples per positive pair (0 turns negative sampling off) (default 5).
  public var negative = 5
  /// Use hierarchical softmax (alone if `negative == 0`, or together with it) (default false).
  public var hierarchicalSoftmax = false
  /// Sub-sampling threshold for frequent words (0 = off): a word of corpus frequency f is kept
  /// with probability (√(f/sample) + 1)·sample/f (default 1e-3).
  public var sample = 1e-3
  /// CBOW: average the context vectors (true) or sum them (false) (default true).
  public var cbowMean = true
  /// Starting learning rate (default 0.025 for skip-gram, 0.05 for CBOW).
  public var alpha: Float
  /// Final learning rate; the rate decays linearly from `alpha` to this (default 0.0001).
  public var minAlpha: Float = 0.0001
  /// Passes over the corpus (default 5).
  public var epochs = 5
  /// Worker threads (Hogwild: lock-free, nondeterministic when > 1) (default
  /// `Parallelism.defaultThreads`: `EMBEDDINGKIT_THREADS` or the active cores).
  public var threads = Parallelism.defaultThreads
  /// Seed of every random choice (initial vectors, sub-sampling, windows, negatives) (default 1).
  public var seed: UInt64 = 1
  /// Words seen fewer times than this are left out of the vocabulary (default 5).
  public var minCount = 5
  /// While counting, prune the rarest words whenever more than this many distinct words are
  /// held (bounded memory on huge corpora); nil = no limit (default nil).
  public var maxVocabulary: Int? = nil
  /// Lines longer than this many words are trained as several sentences (default 10,000).
  public var maxSentenceLength = 10_000

  /// The defaults for `architecture`.
  public init(architecture: Architecture = .skipGram) {
    self.architecture = architecture
    alpha = architecture == .skipGram ? 0.025 : 0.05
  }

  /// Checks every field.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` naming the field and its valid range.
  public func validate() throws {
    func check(_ ok: Bool, _ message: String) throws {
      if !ok { throw EmbeddingError.invalidArgument(message) }
    }
    try check(
      dimension >= 1 && dimension <= 100_000, "dimension must be in 1...100000 (got \(dimension))")
    try check(window >= 1 && window <= 1000, "window must be in 1...1000 (got \(window))")
    try check(negative >= 0 && negative <= 1000, "negative must be in 0...1000 (got \(negative))")
    try check(
      negative > 0 || hierarchicalSoftmax,
      "negative is 0 and hierarchical softmax is off: nothing to train (use --negative 5 or --hs)")
    try check(sample >= 0 && sample < 1, "sample must be in [0, 1) (got \(sample))")
    try check(alpha > 0 && alpha.isFinite, "alpha must be > 0 (got \(alpha))")
    try check(
      minAlpha >= 0 && minAlpha <= alpha, "minAlpha must be in [0, alpha] (got \(minAlpha))")
    try check(
      epochs >= 1 && epochs <= 1_000_000, "epochs must be in 1...1000000 (got \(epochs))")
    try check(threads >= 1 && threads <= 1024, "threads must be in 1...1024 (got \(threads))")
    try check(minCount >= 1, "minCount must be >= 1 (got \(minCount))")
    if let maxVocabulary {
      try check(maxVocabulary >= 1, "maxVocabulary must be >= 1 (got \(maxVocabulary))")
    }
    try check(
      maxSentenceLength >= 1 && maxSentenceLength <= 10_000_000,
      "maxSentenceLength must be in 1...10000000 (got \(maxSentenceLength))")
  }
}

import Foundation
