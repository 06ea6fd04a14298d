import EmbeddingCore
import Foundation

/// The full-model file: everything needed to continue training.
///
/// Layout (little-endian), version 1:
/// ```
/// magic    8 bytes  "EKW2VMDL"
/// version  UInt32   1
/// settings UInt32 × 8: architecture (0 skip-gram, 1 CBOW), dimension, window, negative,
///                      hierarchical softmax (0/1), CBOW mean (0/1), minCount, maxSentenceLength
///          Float64 sample, Float32 alpha, Float32 minAlpha, UInt64 seed,
///          UInt64 epochsTrained, UInt64 wordsTrained, UInt64 vocabulary size V
/// words    V × (UInt32 byte length, UTF-8 bytes, UInt64 count), most frequent first
/// input    V × dimension Float32 (the word vectors)
/// output   V × dimension Float32            (if negative > 0)
/// inner    (V-1) × dimension Float32        (if hierarchical softmax; 1 row when V = 1)
/// trailer  8 bytes  "EKW2VEND"
/// ```
/// Files of a newer version are rejected with a message saying so.
extension Word2Vec {
  static let checkpointMagic = Array("EKW2VMDL".utf8)
  static let checkpointTrailer = Array("EKW2VEND".utf8)
  static let checkpointVersion: UInt32 = 1

  /// Saves the full model atomically (a crash mid-save leaves any previous file intact).
  ///
  /// ```swift
  /// try model.save(to: "model.w2v")
  /// let again = try Word2Vec.load(from: "model.w2v")
  /// ```
  /// - Throws: `EmbeddingError.io` if the file cannot be written.
  /// - Complexity: O(V × dimension).
  public func save(to path: String) throws {
    let c = configuration
    try AtomicFile.write(to: path) { out in
      try out.write(Self.checkpointMagic)
      try out.writeValue(Self.checkpointVersion)
      for v in [
        c.architecture == .skipGram ? 0 : 1, c.dimension, c.window, c.negative,
        c.hierarchicalSoftmax ? 1 : 0, c.cbowMean ? 1 : 0, c.minCount, c.maxSentenceLength,
      ] {
        try out.writeValue(UInt32(v))
      }
      try out.writeValue(c.sample)
      try out.writeValue(c.alpha)
      try out.writeValue(c.minAlpha)
      try out.writeValue(c.seed)
      try out.writeValue(UInt64(epochsTrained))
      try out.writeValue(UInt64(wordsTrained))
      try out.writeValue(UInt64(vocabulary.count))
      for (word, count) in zip(vocabulary.words, vocabulary.counts) {
        try out.writeString(word)
        try out.writeValue(UInt64(count))
      }
      let w = weights
      for matrix in [w.input, w.outputNegative, w.outputHierarchical].compactMap({ $0 }) {
        let rows = matrix == w.outputHierarchical ? max(w.rows - 1, 1) : w.rows
        for r in 0..<rows {
          try out.write(
            UnsafeRawBufferPointer(start: matrix + r * w.stride, count: w.dimension * 4))
        }
      }
      try out.write(Self.checkpointTrailer)
    }
  }

  /// Loads a model saved by `save(to:)`, ready to `train` further.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable; `.malformed(path, "byte N", reason)` if it is
  ///   not a model file, is truncated, or is of a newer version.
  /// - Complexity: O(file size).
  public static func load(from path: String) throws -> Word2Vec {
    return try BinaryFileReader.withFile(path: path) { reader in
      let raw = reader.bytes
      guard Array(try reader.bytes(8)) == checkpointMagic else {
        throw EmbeddingError.malformed(
          path: path, location: "byte 0",
          reason:
            "not an EmbeddingKit Word2Vec model (no EKW2VMDL header); word vectors (.bin/.txt) "
            + "cannot be trained further: save the model with --save-model")
      }
      let version: UInt32 = try reader.value()
      guard version <= checkpointVersion else {
        throw EmbeddingError.malformed(
          path: path, location: "byte 8",
          reason:
            "model format version \(version) is newer than this EmbeddingKit reads (\(checkpointVersion)); update EmbeddingKit"
        )
      }
      var fields: [Int] = []
      for _ in 0..<8 { fields.append(Int(try reader.value() as UInt32)) }
      for (index, name) in [(0, "architecture"), (4, "hierarchical softmax"), (5, "CBOW mean")]
      where fields[index] > 1 {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(12 + 4 * index)",
          reason: "bad \(name) flag \(fields[index]) (0 or 1; file damaged?)")
      }
      var config = Word2VecConfiguration(architecture: fields[0] == 0 ? .skipGram : .cbow)
      config.dimension = fields[1]
      config.window = fields[2]
      config.negative = fields[3]
      config.hierarchicalSoftmax = fields[4] != 0
      config.cbowMean = fields[5] != 0
      config.minCount = fields[6]
      config.maxSentenceLength = fields[7]
      config.sample = try reader.value()
      config.alpha = try reader.value()
      config.minAlpha = try reader.value()
      config.seed = try reader.value()
      let epochs = try reader.count()
      let words = try reader.count()
      let v = try reader.count()
      do { try config.validate() } catch {
        throw EmbeddingError.malformed(
          path: path, location: "byte 12", reason: "invalid settings: \(error)")
      }
      guard v >= 1 && v <= raw.count / 12 else {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(reader.offset - 8)", reason: "bad vocabulary size \(v)")
      }
      var vocabularyWords: [String] = []
      var counts: [Int] = []
      vocabularyWords.reserveCapacity(v)
      counts.reserveCapacity(v)
      for _ in 0..<v {
        let length = Int(try reader.value() as UInt32)
        let at = reader.offset
        guard let word = String(validating: try reader.bytes(length), as: UTF8.self) else {
          throw EmbeddingError.malformed(
            path: path, location: "byte \(at)", reason: "a word is not valid UTF-8")
        }
        vocabularyWords.append(word)
        counts.append(try reader.count())
      }
      let vocabulary: Word2VecVocabulary
      do { vocabulary = try Word2VecVocabulary(words: vocabularyWords, counts: counts) } catch {
        throw EmbeddingError.malformed(path: path, location: "vocabulary", reason: "\(error)")
      }
      // Rows are stored in vocabulary order (most frequent first); a damaged count would
      // reorder the words and silently attach them to other words' vectors.
      guard vocabulary.words == vocabularyWords else {
        throw EmbeddingError.malformed(
          path: path, location: "vocabulary",
          reason: "the word counts are not in descending order (file damaged?)")
      }
      // The matrices must be in the file before they are allocated (a damaged size must not
      // allocate terabytes), and must fit in memory.
      let floats =
        v * config.dimension * (1 + (config.negative > 0 ? 1 : 0))
        + (config.hierarchicalSoftmax ? max(v - 1, 1) * config.dimension : 0)
      guard floats <= (raw.count - reader.offset) / 4 else {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(reader.offset)",
          reason: "the file ends early: \(v) words × \(config.dimension) dimensions need "
            + "\(floats * 4) bytes of weights (truncated model?)")
      }
      try MemoryLimit.current().check(
        bytes: ModelWeights.byteCount(
          rows: v, dimension: config.dimension, negative: config.negative > 0,
          hierarchical: config.hierarchicalSoftmax), what: "the model \(path)",
        remedy: "free memory or raise the limit")
      let weights = ModelWeights(
        rows: v, dimension: config.dimension, negative: config.negative > 0,
        hierarchical: config.hierarchicalSoftmax)
      for matrix in [weights.input, weights.outputNegative, weights.outputHierarchical].compactMap({
        $0
      }) {
        let rows = matrix == weights.outputHierarchical ? max(v - 1, 1) : v
        let block = Data(try reader.bytes(rows * config.dimension * 4))  // aligned copy
        block.withUnsafeBytes { b in
          weights.copy(b.bindMemory(to: Float.self).baseAddress!, into: matrix, rows: rows)
        }
      }
      guard weights.allFinite() else {
        throw EmbeddingError.malformed(
          path: path, location: "weights",
          reason: "the model holds NaN or infinite weights (file damaged, or saved from a "
            + "diverged run); retrain it")
      }
      guard Array(try reader.bytes(8)) == checkpointTrailer else {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(reader.offset - 8)",
          reason: "missing EKW2VEND trailer (file damaged?)")
      }
      return Word2Vec(
        vocabulary: vocabulary, configuration: config, weights: weights, epochsTrained: epochs,
        wordsTrained: words)
    }
  }

  /// The same model (shared weights) with other training settings: threads, epochs, alpha,
  /// minAlpha, sample and seed may change; the shape (architecture, dimension, negative,
  /// hierarchical softmax) may not.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if a shape setting differs.
  public func withTrainingSettings(_ settings: Word2VecConfiguration) throws -> Word2Vec {
    try settings.validate()
    let c = configuration
    guard settings.architecture == c.architecture, settings.dimension == c.dimension,
      (settings.negative > 0) == (c.negative > 0),
      settings.hierarchicalSoftmax == c.hierarchicalSoftmax
    else {
      throw EmbeddingError.invalidArgument(
        "a saved model keeps its architecture, dimension, and output layers (negative/hs)")
    }
    return Word2Vec(
      vocabulary: vocabulary, configuration: settings, weights: weights,
      epochsTrained: epochsTrained,
      wordsTrained: wordsTrained)
  }
}
