import EmbeddingCore
import Foundation
import Projection
import SentenceEmbeddings
import Tokenization

/// Options of `StaticModel.distill`; the defaults are Model2Vec's (`distill(pca_dims=256)`).
///
/// ```swift
/// var options = StaticDistillationOptions()
/// options.dimension = 128
/// options.weighting = .zipf
/// ```
public struct StaticDistillationOptions: Sendable {
  /// PCA components kept (1...hidden size; the hidden size keeps every axis, rotated).
  public var dimension: Int = 256
  /// How token rows are weighted (default SIF with a = 1e-4 over Zipf frequencies).
  public var weighting: StaticWeighting = .sif(a: 1e-4)
  /// Partial whitening: PCA axis c is divided by variance_c^power (0: plain PCA, as Model2Vec;
  /// 0.5: every axis unit variance). 0.25 evens out the axes enough to lift SciFact nDCG@10 by
  /// 0.05 and STS-B by 0.007 over plain PCA for all-MiniLM-L6-v2 (BENCHMARKS.md, issue 12).
  public var whitening = 0.25
  /// Leave out `[unusedN]` tokens (Model2Vec's `token_remove_pattern`) and the class, separator
  /// and added special tokens (`[CLS]`, `[SEP]`, `[MASK]`: never inside a text); they get zero
  /// rows. `[PAD]` and `[UNK]` stay, so ranks are Model2Vec's.
  public var removeUnusedTokens = true
  /// Unit-normalise each token's vector before the PCA (Model2Vec does not; nor do we by default).
  public var normalizeTokens = false
  /// The transformer's name recorded in the model (nil: its folder name).
  public var sourceName: String? = nil
  /// Token sequences per transformer batch.
  public var batchSize = 256
  /// Threads for the transformer and the PCA.
  public var threads = Parallelism.defaultThreads

  /// Model2Vec's defaults.
  public init() {}
}

extension StaticModel {
  /// Distils a static model from a sentence transformer, as Model2Vec does.
  ///
  /// Every token t of the vocabulary (bar `[unusedN]`, `[CLS]`, `[SEP]`, `[MASK]`) is run
  /// through the transformer alone, as the sequence `[CLS] t [SEP]`, and mean-pooled over its
  /// three positions (not normalised); the vectors are reduced by PCA to `options.dimension`,
  /// each axis divided by its variance^`options.whitening` (our addition; 0 is Model2Vec), and
  /// each token gets a weight by its rank (`options.weighting`). The result encodes a text as the weighted mean of its tokens'
  /// rows (`StaticEncoder`).
  ///
  /// - Parameter progress: called after each batch of tokens (stage "distil", unit "tokens").
  /// - Throws: `EmbeddingError.invalidArgument` for a dimension outside 1...hidden size or a
  ///   vocabulary with gaps; `.cancelled` when `cancellation` is set.
  /// - Complexity: one transformer pass per token (3 positions each), then the PCA,
  ///   O(V · hidden²).
  public static func distill(
    from encoder: SentenceEncoder, options: StaticDistillationOptions = .init(),
    progress: ProgressHandler? = nil, cancellation: CancellationToken? = nil
  ) throws -> StaticModel {
    let model = encoder.model
    let tokenizer = encoder.tokenizer
    let hidden = model.dimension
    guard options.dimension >= 1 && options.dimension <= hidden else {
      throw EmbeddingError.invalidArgument(
        "--dim must be in 1...\(hidden) (the transformer's hidden size), got \(options.dimension)")
    }
    guard options.whitening >= 0 && options.whitening <= 1 else {
      throw EmbeddingError.invalidArgument(
        "whitening must be in 0...1 (0: plain PCA, 0.5: unit variance), got \(options.whitening)")
    }
    guard options.batchSize >= 1 else {
      throw EmbeddingError.invalidArgument("batch size must be at least 1")
    }
    let vocabulary = tokenizer.vocabularySize
    let o = tokenizer.options
    let removedSpecials = Set([o.classToken, o.separatorToken] + o.additionalSpecialTokens)
    var kept: [Int32] = []
    kept.reserveCapacity(vocabulary)
    for id in 0..<Int32(vocabulary) {
      guard let token = tokenizer.token(of: id) else {
        throw EmbeddingError.invalidArgument(
          "the vocabulary has no token with id \(id); a static model needs ids 0..<\(vocabulary)")
      }
      if options.removeUnusedTokens && (isUnusedToken(token) || removedSpecials.contains(token)) {
        continue
      }
      kept.append(id)
    }
    guard kept.count > options.dimension else {
      throw EmbeddingError.invalidArgument(
        "\(kept.count) tokens are too few for \(options.dimension) PCA components")
    }
    // raw: [kept × hidden], row k for token kept[k].
    let raw = Matrix(rows: kept.count, columns: hidden)
    let start = MonotonicClock.now()
    var done = 0
    while done < kept.count {
      if cancellation?.isCancelled == true { throw EmbeddingError.cancelled }
      let batch = kept[done..<min(kept.count, done + options.batchSize)]
      let sequences = batch.map { [tokenizer.classID, $0, tokenizer.separatorID] }
      let out = try model.embed(
        tokenIDs: sequences, threads: options.threads, normalize: options.normalizeTokens)
      for k in 0..<batch.count {
        raw.rowPointer(done + k).update(from: out.rowPointer(k), count: hidden)
      }
      done += batch.count
      progress?(
        ProgressReport(
          stage: "distil", completed: done, total: kept.count, unit: "tokens",
          elapsed: MonotonicClock.now() - start))
    }
    let pca = try PCA.fit(raw, components: options.dimension, threads: options.threads)
    let rows = Matrix(rows: vocabulary, columns: options.dimension)
    var weights = [Float](repeating: 0, count: vocabulary)
    let rankWeights = options.weighting.weights(count: kept.count)
    let axisScales = pca.explainedVariance.map { v in
      v > 0 ? Float(pow(v, -options.whitening)) : 1
    }
    for (k, id) in kept.enumerated() {
      let row = rows.rowPointer(Int(id))
      let source = pca.coordinates.rowPointer(k)
      for c in 0..<options.dimension { row[c] = source[c] * axisScales[c] }
      weights[Int(id)] = rankWeights[k]
    }
    let metadata = Metadata(
      sourceModel: options.sourceName ?? encoder.descriptor.name,
      sourceFingerprint: encoder.descriptor.fingerprint,
      weighting: options.weighting.description
        + (options.whitening > 0 ? ", whitening \(options.whitening)" : ""),
      explainedVariance: pca.explainedVarianceRatio.reduce(0, +),
      removedTokens: vocabulary - kept.count)
    return try StaticModel(tokenizer: tokenizer, rows: rows, weights: weights, metadata: metadata)
  }

  /// Whether `token` is a BERT placeholder `[unusedN]`.
  static func isUnusedToken(_ token: String) -> Bool {
    guard token.hasPrefix("[unused"), token.hasSuffix("]") else { return false }
    let digits = token.dropFirst(7).dropLast()
    return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
  }
}
