import EmbeddingCore
import Foundation

/// Bytes a Word2Vec model will allocate, per part, known before allocating anything.
///
/// ```swift
/// let estimate = Word2Vec.estimateMemory(vocabularySize: 70_000, configuration: config)
/// print(ByteCount.format(estimate.total))   // "55.6 MiB"
/// ```
public struct Word2VecMemoryEstimate: Sendable, CustomStringConvertible {
  /// Input vectors (the word vectors).
  public var inputVectors: Int
  /// Negative-sampling output weights.
  public var outputWeights: Int
  /// Hierarchical-softmax inner-node weights.
  public var hierarchicalWeights: Int
  /// Word2VecVocabulary, sampling and Huffman tables.
  public var tables: Int
  /// Per-thread buffers and the corpus chunks in flight.
  public var buffers: Int

  /// Everything.
  public var total: Int { inputVectors + outputWeights + hierarchicalWeights + tables + buffers }

  public var description: String {
    "\(ByteCount.format(total)) (vectors \(ByteCount.format(inputVectors)), output weights "
      + "\(ByteCount.format(outputWeights + hierarchicalWeights)), tables \(ByteCount.format(tables)), "
      + "buffers \(ByteCount.format(buffers)))"
  }
}

extension Word2Vec {
  /// What a model of `vocabularySize` words with `configuration` will allocate.
  ///
  /// - Complexity: O(1).
  public static func estimateMemory(
    vocabularySize v: Int, configuration: Word2VecConfiguration
  ) -> Word2VecMemoryEstimate {
    let row = ModelWeights.stride(for: configuration.dimension) * 4
    let hs = configuration.hierarchicalSoftmax
    return Word2VecMemoryEstimate(
      inputVectors: v * row,
      outputWeights: configuration.negative > 0 ? v * row : 0,
      hierarchicalWeights: hs ? max(v - 1, 1) * row : 0,
      tables: TrainingTables.byteCount(vocabularySize: v, hierarchical: hs) + v * 40,
      buffers: (2 * configuration.threads + 2) * (chunkWords + configuration.maxSentenceLength) * 8
        + configuration.threads
        * (configuration.maxSentenceLength * 4 + 2 * configuration.window * row)
        + 3 << 20)
  }

  /// Words per chunk handed from the reader thread to the workers.
  static let chunkWords = 1 << 16
}
