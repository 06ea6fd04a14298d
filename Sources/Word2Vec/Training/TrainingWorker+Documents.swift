import EmbeddingCore
import Foundation

/// How a document vector (Doc2Vec, Le & Mikolov 2014) joins the word contexts.
package enum DocumentTraining: Sendable, Equatable {
  /// PV-DBOW: the document vector alone predicts each of its words (as a skip-gram input);
  /// with `trainWords` (gensim's `dbow_words`), the window words join it as inputs, training
  /// skip-gram word vectors at the same time.
  case distributedBagOfWords(trainWords: Bool)
  /// PV-DM: the mean (or sum) of the document vector and the window words predicts the
  /// centre word (as a CBOW input).
  case distributedMemory
}

extension TrainingWorker {
  /// Copies the words of `words` (at most `configuration.maxSentenceLength`) that survive
  /// sub-sampling into `sentence`; returns how many.
  mutating func keepSubsampled(_ words: UnsafeBufferPointer<Int32>) -> Int {
    var n = 0
    for w in words.prefix(configuration.maxSentenceLength)
    where random32() <= tables.keepThreshold[Int(w)] {
      sentence[n] = w
      n += 1
    }
    return n
  }

  /// Trains one document (at most `configuration.maxSentenceLength` vocabulary rows) whose
  /// vector is the padded row `document`, at learning rate `alpha`; returns the words kept after
  /// sub-sampling.
  ///
  /// Each centre word's outputs (positive + negatives and/or Huffman path) are scored once
  /// against all its inputs (the document row first, then the window words), the batched step
  /// of `train(sentence:)`. `learnWords` and `learnHidden` false is inference: only the
  /// document row changes (gensim's `infer_vector`).
  /// Shapes: document [stride], word rows [V × stride].
  package mutating func train(
    document words: UnsafeBufferPointer<Int32>, vector document: UnsafeMutablePointer<Float>,
    mode: DocumentTraining, alpha: Float, learnWords: Bool = true, learnHidden: Bool = true
  ) -> Int {
    let n = keepSubsampled(words)
    if n == 0 { return 0 }
    if case .distributedBagOfWords(let trainWords) = mode, !(trainWords && learnWords) {
      trainBagOfWords(count: n, vector: document, alpha: alpha, learnHidden: learnHidden)
      return n
    }
    let window = configuration.window
    let input = weights.input
    var windowWords = learnWords
    if case .distributedMemory = mode { windowWords = true }
    if case .distributedBagOfWords(let trainWords) = mode { windowWords = trainWords && learnWords }
    for i in 0..<n {
      let count = collectOutputs(for: Int(sentence[i]), slot: 0)
      contextRows[0] = document
      var b = 1
      if windowWords {
        let reduced = Int((UInt64(random32()) &* UInt64(window)) >> 32)
        let span = window - reduced
        var j = max(0, i - span)
        let hi = min(n - 1, i + span)
        while j <= hi {
          if j != i {
            contextRows[b] = input + Int(sentence[j]) * stride
            b += 1
          }
          j += 1
        }
      }
      switch mode {
      case .distributedBagOfWords:
        skipGramStep(
          contexts: b, outputs: count, rows: outputRows, labels: outputLabels, alpha: alpha,
          learnHidden: learnHidden)
      case .distributedMemory:
        cbowStep(
          contexts: b, outputs: count, rows: outputRows, labels: outputLabels, alpha: alpha,
          learnHidden: learnHidden, updatedContexts: learnWords ? b : 1, scaleSumError: true)
      }
    }
    return n
  }
}
