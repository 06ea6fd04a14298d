import EmbeddingCore
import Foundation

/// The output layer of PV-DM with concatenation (gensim's `dm_concat`): one row per word
/// (negative sampling) and/or per inner Huffman node, each as wide as the concatenated input,
/// `(1 + 2·window)` segments of `stride` floats (the document row, then the window's word rows).
///
/// Padding lanes of every segment are zero and stay zero (updates add multiples of the input,
/// whose padding is zero). Hogwild, as `ModelWeights`.
package final class ConcatenatedOutput: @unchecked Sendable {
  /// Segments per row: 1 document + 2·window words.
  package let segments: Int
  /// Floats per segment (the word rows' stride).
  package let stride: Int
  /// Floats per row: segments × stride.
  package let width: Int
  package let rows: Int
  package let negative: UnsafeMutablePointer<Float>?
  package let hierarchical: UnsafeMutablePointer<Float>?

  /// Zeroed output rows for `rows` words and a window of `window`.
  package init(rows: Int, dimension: Int, window: Int, negative: Bool, hierarchical: Bool) {
    self.rows = rows
    segments = 1 + 2 * window
    stride = ModelWeights.stride(for: dimension)
    width = segments * stride
    self.negative = negative ? Self.allocate(rows: rows, width: width) : nil
    self.hierarchical = hierarchical ? Self.allocate(rows: max(rows - 1, 1), width: width) : nil
  }

  private static func allocate(rows: Int, width: Int) -> UnsafeMutablePointer<Float> {
    let count = max(rows, 1) * width
    let p = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
      .bindMemory(to: Float.self, capacity: count)
    p.initialize(repeating: 0, count: count)
    return p
  }

  deinit {
    negative?.deallocate()
    hierarchical?.deallocate()
  }

  /// Bytes the layer holds.
  package static func byteCount(
    rows: Int, dimension: Int, window: Int, negative: Bool, hierarchical: Bool
  ) -> Int {
    let row = (1 + 2 * window) * ModelWeights.stride(for: dimension) * 4
    return (negative ? rows * row : 0) + (hierarchical ? max(rows - 1, 1) * row : 0)
  }
}

extension TrainingWorker {
  /// Floats of scratch `trainConcatenated` needs (the input h and its error).
  package static func concatenationScratchCount(_ output: ConcatenatedOutput) -> Int {
    2 * output.width
  }

  /// Trains one document with PV-DM concatenation (gensim's `train_document_dm_concat`): for
  /// each kept word, h = [document | w(i-window) … w(i-1) | w(i+1) … w(i+window)] (the row
  /// `nullWord` past the document's edges; the window is never shortened) predicts the word
  /// through `output`; the error is added back to the document row and (with `learnWords`) to
  /// each window word's row. Returns the words kept after sub-sampling.
  ///
  /// Shapes: document [stride], word rows [V × stride], h and work [(1 + 2·window) × stride]
  /// in `scratch` (`concatenationScratchCount` floats), output rows [(1 + 2·window) × stride].
  package mutating func trainConcatenated(
    document words: UnsafeBufferPointer<Int32>, vector document: UnsafeMutablePointer<Float>,
    output: ConcatenatedOutput, nullWord: Int, scratch: UnsafeMutablePointer<Float>,
    alpha: Float, learnWords: Bool = true, learnHidden: Bool = true
  ) -> Int {
    let n = keepSubsampled(words)
    if n == 0 { return 0 }
    let window = configuration.window
    let width = output.width
    let h = scratch
    let work = scratch + width
    let input = weights.input
    for i in 0..<n {
      // Compose h; contextRows[s] remembers the word row of segment s (1...2·window).
      h.update(from: document, count: stride)
      var s = 1
      for j in (i - window)...(i + window) where j != i {
        let word = j < 0 || j >= n ? nullWord : Int(sentence[j])
        contextRows[s] = input + word * stride
        (h + s * stride).update(from: contextRows[s], count: stride)
        s += 1
      }
      work.update(repeating: 0, count: width)
      let word = Int(sentence[i])
      if let rows = output.negative {
        concatenatedStep(
          rows + word * width, label: 1, h: h, work: work, width: width,
          alpha: alpha, learnHidden: learnHidden)
        for _ in 0..<configuration.negative {
          let t = noiseWord()
          if t == word { continue }
          concatenatedStep(
            rows + t * width, label: 0, h: h, work: work, width: width,
            alpha: alpha, learnHidden: learnHidden)
        }
      }
      if let rows = output.hierarchical {
        for p in Int(tables.pathOffsets[word])..<Int(tables.pathOffsets[word + 1]) {
          concatenatedStep(
            rows + Int(tables.pathPoints[p]) * width, label: tables.pathCodes[p], h: h,
            work: work, width: width, alpha: alpha, learnHidden: learnHidden)
        }
      }
      VectorKernels.add(document, work, into: document, stride)
      if learnWords {
        for s in 1..<output.segments {
          VectorKernels.add(contextRows[s], work + s * stride, into: contextRows[s], stride)
        }
      }
    }
    return n
  }

  /// One output row: g = (label - σ(h·out)) · alpha; work += g · out (old); out += g · h.
  @inline(__always)
  private mutating func concatenatedStep(
    _ out: UnsafeMutablePointer<Float>, label: Float, h: UnsafeMutablePointer<Float>,
    work: UnsafeMutablePointer<Float>, width: Int, alpha: Float, learnHidden: Bool
  ) {
    let g = gradient(VectorKernels.dot(h, out, width), label: label, alpha: alpha)
    if g == 0 { return }
    VectorKernels.axpy(g, out, work, width)
    if learnHidden { VectorKernels.axpy(g, h, out, width) }
  }
}
