import EmbeddingCore
import Foundation
import WordEmbeddings

extension PooledWordEncoder {
  /// A SIF encoder from a model file saved by `SIFModel.save`, over the vectors at `vectors`
  /// or, if nil, at the path the model recorded when it was fitted.
  ///
  /// ```swift
  /// let encoder = try PooledWordEncoder.loadSIF(model: "sif.model")
  /// ```
  /// - Parameter mean: use the model's vectors and word normalisation but plain mean pooling
  ///   (for comparisons with SIF on identical words).
  /// - Throws: `EmbeddingError.io`/`.malformed` for unreadable files, `.invalidArgument` if the
  ///   model records no vectors path and none is given, or the vectors are not the fitted ones.
  public static func loadSIF(model path: String, vectors: String? = nil, mean: Bool = false)
    throws -> PooledWordEncoder
  {
    let model = try SIFModel.load(from: path)
    let vectorsPath = vectors ?? model.vectorsPath
    guard !vectorsPath.isEmpty else {
      throw EmbeddingError.invalidArgument(
        "\(path) records no word-vectors file; give the vectors it was fitted on (--vectors)")
    }
    let wordVectors = try WordVectors.load(contentsOf: vectorsPath)
    let name = URL(fileURLWithPath: path).lastPathComponent
    if mean {
      return PooledWordEncoder(
        vectors: wordVectors, splitter: WordSplitter(model.normalization), name: name)
    }
    return try PooledWordEncoder(vectors: wordVectors, sif: model, name: name)
  }

  /// A mean-pooling encoder over the word vectors at `path` (any format the project loads).
  ///
  /// - Throws: `EmbeddingError.io`/`.malformed` if the file cannot be loaded.
  public static func loadMean(
    vectors path: String, normalization: WordSplitter.Normalization = .none
  ) throws -> PooledWordEncoder {
    PooledWordEncoder(
      vectors: try WordVectors.load(contentsOf: path), splitter: WordSplitter(normalization),
      name: URL(fileURLWithPath: path).lastPathComponent)
  }
}
