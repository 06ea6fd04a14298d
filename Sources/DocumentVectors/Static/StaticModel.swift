import EmbeddingCore
import Foundation
import Tokenization

/// A static embedding model distilled from a transformer (the Model2Vec idea): one row per token
/// of a WordPiece vocabulary and one weight per token; a text's vector is the weighted mean of the
/// rows of its tokens, normalised.
///
/// The query-only result of `StaticModel.distill` (trainer state and the transformer are not
/// kept). It carries its own tokenizer, so a saved model is self-contained: see `save(to:)` for
/// the file layout, and `StaticEncoder` to encode texts with it.
///
/// ```swift
/// let model = try StaticModel.load(from: "minilm-static.eks")
/// let encoder = StaticEncoder(model: model)
/// let v = try encoder.encode(["A man plays a guitar.", "Someone makes music."], role: .plain)
/// ```
public struct StaticModel: Sendable {
  /// The WordPiece tokenizer the rows are indexed by (token id = row).
  public let tokenizer: WordPieceTokenizer
  /// `vocabularySize × dimension`: the token rows, unweighted (zero for removed tokens).
  public let rows: Matrix
  /// One weight per row (0 for removed tokens): SIF, Zipf or 1 (see `StaticWeighting`).
  public let weights: [Float]
  /// What the model was distilled from and how.
  public let metadata: Metadata

  /// How a static model was made (kept in the file, shown by the command line).
  public struct Metadata: Sendable, Equatable {
    /// The transformer's name (its folder name).
    public var sourceModel: String
    /// The transformer's weights fingerprint (`EncoderDescriptor.fingerprint`).
    public var sourceFingerprint: String
    /// The weighting, as `StaticWeighting.description` ("sif a=0.0001").
    public var weighting: String
    /// Share of the token vectors' variance the kept PCA components explain, in [0, 1].
    public var explainedVariance: Double
    /// Tokens left out of the distillation (e.g. `[unused12]`), with zero rows.
    public var removedTokens: Int

    /// Creates metadata.
    public init(
      sourceModel: String, sourceFingerprint: String, weighting: String,
      explainedVariance: Double, removedTokens: Int
    ) {
      self.sourceModel = sourceModel
      self.sourceFingerprint = sourceFingerprint
      self.weighting = weighting
      self.explainedVariance = explainedVariance
      self.removedTokens = removedTokens
    }
  }

  /// A model from its parts.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` when the rows or the weights do not have one
  ///   entry per token of `tokenizer`, or a value is not finite.
  public init(
    tokenizer: WordPieceTokenizer, rows: Matrix, weights: [Float], metadata: Metadata
  ) throws(EmbeddingError) {
    let v = tokenizer.vocabularySize
    guard rows.rows == v, weights.count == v, rows.columns >= 1 else {
      throw .invalidArgument(
        "a static model needs one row and one weight per token (\(v) tokens); got "
          + "\(rows.rows) × \(rows.columns) rows and \(weights.count) weights")
    }
    guard weights.allSatisfy(\.isFinite), rows.buffer.allSatisfy(\.isFinite) else {
      throw .invalidArgument("a static model's rows and weights must be finite numbers")
    }
    self.tokenizer = tokenizer
    self.rows = rows
    self.weights = weights
    self.metadata = metadata
  }

  /// Length of every vector.
  public var dimension: Int { rows.columns }

  /// A hex fingerprint of the rows and weights (for `EncoderDescriptor`).
  ///
  /// - Complexity: O(vocabulary × dimension).
  public var fingerprint: String {
    let w = Matrix(rows: 1, columns: weights.count, values: weights)
    return matrixFingerprint(rows) + "-" + matrixFingerprint(w)
  }
}
