import EmbeddingCore
import Foundation
import Word2Vec

extension Doc2Vec {
  /// A vector for a new text, as gensim's `infer_vector`: a fresh vector (pseudo-random from the
  /// text, ±0.5/vectorSize) is trained for `epochs` passes over the text with the word and
  /// output weights frozen, the learning rate falling linearly from `alpha` to `minAlpha`
  /// (defaults: the model's).
  ///
  /// A text with no word in the vocabulary gives the ZERO vector (gensim would return its
  /// untrained random start); `inferVectors` reports which texts those were. The result is
  /// deterministic for a given model and text.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for epochs < 1 or a bad learning rate.
  /// - Complexity: O(epochs × words × (negative + log V) × vectorSize).
  public func inferVector(
    _ text: String, epochs: Int? = nil, alpha: Float? = nil, minAlpha: Float? = nil
  ) throws -> [Float] {
    let result = try inferVectors([text], epochs: epochs, alpha: alpha, minAlpha: minAlpha)
    return result.vectors.row(0)
  }

  /// Infers vectors for `texts` (row i for text i) on `threads` threads; results do not depend
  /// on the thread count.
  ///
  /// Inference is random (sub-sampling, negatives): on SciFact, five gensim `infer_vector`
  /// draws on the same model span 0.143–0.160 nDCG@10. Each `seed` (default: the model's) is one
  /// reproducible draw; average several draws to compare models.
  ///
  /// - Returns: the vectors and the number of known words of each text (0: zero vector).
  public func inferVectors(
    _ texts: [String], epochs: Int? = nil, alpha: Float? = nil, minAlpha: Float? = nil,
    seed: UInt64? = nil, threads: Int = Parallelism.defaultThreads
  ) throws -> (vectors: Matrix, knownWords: [Int]) {
    let drawSeed = seed ?? configuration.seed
    let epochs = epochs ?? configuration.epochs
    let alpha = alpha ?? configuration.alpha
    let minAlpha = minAlpha ?? configuration.minAlpha
    guard epochs >= 1 else { throw EmbeddingError.invalidArgument("epochs must be >= 1") }
    guard alpha > 0 && alpha.isFinite, minAlpha >= 0 && minAlpha <= alpha else {
      throw EmbeddingError.invalidArgument(
        "need 0 < alpha and 0 <= minAlpha <= alpha (got \(alpha), \(minAlpha))")
    }
    let d = vectorSize
    let out = Matrix(rows: texts.count, columns: d)
    let known = SharedBuffer<Int>(count: texts.count, value: 0)
    let shared = UnsafeSendable(texts)
    let (weights, tables) = (self.weights, self.tables)
    let (concatenated, nullWord) = (self.concatenated, self.nullWord)
    let config = configuration
    let wordConfiguration = config.wordConfiguration
    let splitter = WordSplitter(config.normalization)
    let vocabulary = self.vocabulary
    let blocks = (texts.count + 15) / 16
    parallelFor(blocks, threads: threads) { block in
      let texts = shared.value
      let vector = PaddedRows(rows: 1, dimension: d)
      for i in (block * 16)..<min(texts.count, block * 16 + 16) {
        var text = texts[i]
        var ids: [Int32] = []
        let seed = text.withUTF8 { bytes in
          splitter.forEachWord(in: UnsafeRawBufferPointer(bytes)) { word, _ in
            if let id = vocabulary.index(of: word) { ids.append(Int32(id)) }
          }
          return textSeed(UnsafeRawBufferPointer(bytes)) ^ drawSeed
        }
        known[i] = ids.count
        if ids.isEmpty { continue }
        var rng = SeededGenerator(seed: seed)
        let row = vector.row(0)
        for c in 0..<d { row[c] = (rng.nextFloat() - 0.5) / Float(d) }
        // Stream 1: the draws of training must not repeat the start vector's (stream 0).
        var worker = TrainingWorker(
          weights: weights, tables: tables, configuration: wordConfiguration, seed: seed,
          index: 1)
        worker.skipSaturated = true  // gensim's doc2vec_inner
        let scratch = concatenated.map {
          UnsafeMutablePointer<Float>.allocate(
            capacity: TrainingWorker.concatenationScratchCount($0))
        }
        defer { scratch?.deallocate() }
        let step = (alpha - minAlpha) / Float(max(epochs - 1, 1))
        var rate = alpha
        ids.withUnsafeBufferPointer { all in
          for _ in 0..<epochs {
            var start = 0
            while start < all.count {
              let end = min(all.count, start + config.maxDocumentWords)
              let piece = UnsafeBufferPointer(rebasing: all[start..<end])
              if let concatenated, let scratch {
                _ = worker.trainConcatenated(
                  document: piece, vector: row, output: concatenated, nullWord: nullWord,
                  scratch: scratch, alpha: rate, learnWords: false, learnHidden: false)
              } else {
                _ = worker.train(
                  document: piece, vector: row, mode: config.training, alpha: rate,
                  learnWords: false, learnHidden: false)
              }
              start = end
            }
            rate -= step
          }
        }
        worker.deallocate()
        out.rowPointer(i).update(from: row, count: d)
      }
    }
    return (out, known.array())
  }
}

/// FNV-1a 64 of a text's bytes (the seed of its inference).
private func textSeed(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in bytes {
    h ^= UInt64(b)
    h = h &* 0x0000_0100_0000_01B3
  }
  return h
}

extension Doc2Vec: TextEncoder {
  /// Identity: kind "doc2vec", a fingerprint of the weights; vectors are unit length.
  public var descriptor: EncoderDescriptor {
    EncoderDescriptor(
      kind: "doc2vec", name: "doc2vec", dimension: vectorSize, fingerprint: fingerprint,
      pooling: configuration.dmConcat ? "pv-dm-concat" : configuration.dm ? "pv-dm" : "pv-dbow",
      normalized: true)
  }

  /// Infers a unit-length vector for each text (zero rows for texts with no known word).
  public func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    let (m, _) = try inferVectors(texts)
    for r in 0..<m.rows { VectorKernels.normalize(m.rowPointer(r), m.columns) }
    return m
  }

  /// The UTF-8 byte ranges of the words the model's splitter cuts `text` into.
  public func tokenSpans(of text: String) -> [Range<Int>] {
    WordSplitter(configuration.normalization).spans(of: text)
  }
}
