import EmbeddingCore
import Foundation
import Word2Vec

/// The settings of a Doc2Vec model, with gensim 4's names (in the comments) and defaults.
///
/// ```swift
/// var config = Doc2VecConfiguration()
/// config.dm = false            // PV-DBOW
/// config.dbowWords = true      // train skip-gram word vectors alongside
/// config.vectorSize = 100
/// config.threads = 1; config.seed = 7   // bit-for-bit reproducible
/// ```
public struct Doc2VecConfiguration: Sendable, Equatable {
  /// `dm`: PV-DM (true, default) or PV-DBOW (false).
  public var dm = true
  /// `vector_size`: dimension of document and word vectors (default 100).
  public var vectorSize = 100
  /// `window`: maximum distance between the predicted word and a context word (default 5).
  public var window = 5
  /// `min_count`: words seen fewer times are ignored (default 5).
  public var minCount = 5
  /// `sample`: sub-sampling threshold for frequent words (default 1e-3; 0 = off).
  public var sample = 1e-3
  /// `negative`: noise words per positive (default 5; 0 = off).
  public var negative = 5
  /// `hs`: hierarchical softmax (default false).
  public var hs = false
  /// `alpha`: starting learning rate (default 0.025).
  public var alpha: Float = 0.025
  /// `min_alpha`: final learning rate, reached linearly (default 0.0001).
  public var minAlpha: Float = 0.0001
  /// `epochs`: passes over the corpus (default 10).
  public var epochs = 10
  /// `dbow_words`: with PV-DBOW, also train skip-gram word vectors (default false).
  public var dbowWords = false
  /// `dm_mean`: with PV-DM, average the context (true, default) or sum it (the error is then
  /// divided by the context size, as gensim does).
  public var dmMean = true
  /// `dm_concat`: with PV-DM, concatenate the document vector and the 2·window context word
  /// vectors (padded with a null word at the document's edges; the window is never shortened)
  /// instead of averaging them. The output layer is (1 + 2·window) times wider, so training
  /// and inference are about that much slower (default false).
  public var dmConcat = false
  /// `workers`: training threads (Hogwild: nondeterministic when > 1) (default active cores).
  public var threads = Parallelism.defaultThreads
  /// `seed` (default 1). With `threads == 1` a run is reproducible bit for bit.
  public var seed: UInt64 = 1
  /// Documents longer than this many words are trained as several pieces sharing their tag
  /// (gensim truncates them at 10,000 words instead) (default 10,000).
  public var maxDocumentWords = 10_000
  /// How texts are cut into words (default: ASCII whitespace, words unchanged).
  public var normalization: WordSplitter.Normalization = .none

  /// The defaults.
  public init() {}

  /// The training mode the worker runs.
  var training: DocumentTraining {
    dm ? .distributedMemory : .distributedBagOfWords(trainWords: dbowWords)
  }

  /// Checks every field.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` naming the field and its valid range.
  public func validate() throws {
    try wordConfiguration.validate()
    guard maxDocumentWords >= 1 else {
      throw EmbeddingError.invalidArgument("maxDocumentWords must be >= 1")
    }
    guard !dmConcat || dm else {
      throw EmbeddingError.invalidArgument("dmConcat needs PV-DM: set dm = true (--dm 1)")
    }
    guard !dmConcat || window <= 100 else {
      throw EmbeddingError.invalidArgument(
        "dmConcat makes every output row (1 + 2·window) vectors wide: use window <= 100 "
          + "(got \(window))")
    }
  }

  /// The same settings in Word2Vec's terms, for the shared training kernels.
  var wordConfiguration: Word2VecConfiguration {
    var c = Word2VecConfiguration(architecture: dm ? .cbow : .skipGram)
    c.dimension = vectorSize
    c.window = window
    c.negative = negative
    c.hierarchicalSoftmax = hs
    c.sample = sample
    c.cbowMean = dmMean
    c.alpha = alpha
    c.minAlpha = minAlpha
    c.epochs = epochs
    c.threads = threads
    c.seed = seed
    c.minCount = minCount
    c.maxSentenceLength = maxDocumentWords
    return c
  }
}
