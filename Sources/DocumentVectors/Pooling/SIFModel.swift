import EmbeddingCore
import Foundation
import WordEmbeddings

/// What SIF (smooth inverse frequency) needs beside the word vectors: one weight a/(a + p(w))
/// per vector row and the common component to remove, fitted on a corpus.
///
/// `p(w)` is the word's frequency in the fitting corpus (words the corpus never contains get
/// weight 1, as in Arora et al.'s code); the component is the first right singular vector
/// (uncentred, as their TruncatedSVD) of the weighted-mean vectors of the corpus lines.
///
/// ```swift
/// let model = try SIFModel.fit(vectors: vectors, corpora: ["corpus.txt.xz"],
///                              normalization: .text8)
/// try model.save(to: "sif.model")
/// let again = try SIFModel.load(from: "sif.model")
/// ```
///
/// The model records a fingerprint of the vectors it was fitted on; `PooledWordEncoder` refuses
/// to combine it with other vectors.
public struct SIFModel: Sendable, Equatable {
  /// The smoothing constant a (default 1e-3; Arora et al. use 1e-3 to 1e-4).
  public var a: Double
  /// How the corpus (and every encoded text) is cut into words.
  public var normalization: WordSplitter.Normalization
  /// a/(a + p(w)) for every row of the vectors.
  public var weights: [Float]
  /// The unit-length common component removed from every sentence vector (all zero: none).
  public var component: [Float]
  /// Fingerprint of the vectors the model was fitted on.
  public var vectorsFingerprint: String
  /// Where the vectors were loaded from when fitting (a hint for the command line; may be empty).
  public var vectorsPath: String
  /// Words of the fitting corpus (known or not): the denominator of p(w).
  public var corpusWords: Int
  /// Corpus lines whose vectors determined the component.
  public var componentLines: Int

  /// Creates a model from its parts (see `fit` to compute them).
  public init(
    a: Double, normalization: WordSplitter.Normalization, weights: [Float], component: [Float],
    vectorsFingerprint: String, vectorsPath: String = "", corpusWords: Int, componentLines: Int
  ) {
    self.a = a
    self.normalization = normalization
    self.weights = weights
    self.component = component
    self.vectorsFingerprint = vectorsFingerprint
    self.vectorsPath = vectorsPath
    self.corpusWords = corpusWords
    self.componentLines = componentLines
  }

  /// A hex fingerprint of the weights and the component (for `EncoderDescriptor`).
  public var fingerprint: String {
    let m = Matrix(rows: 1, columns: weights.count + component.count, values: weights + component)
    return matrixFingerprint(m)
  }

  /// The weight a/(a + p) of a word of corpus frequency `p`.
  public static func weight(a: Double, frequency p: Double) -> Float {
    Float(a / (a + p))
  }
}
