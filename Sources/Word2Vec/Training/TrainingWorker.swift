import CWord2VecSupport
import EmbeddingCore
import Foundation

typealias FloatRow = UnsafeMutablePointer<Float>

/// One training thread's state: its random generator, scratch buffers and the kernels for
/// skip-gram and CBOW steps. Nothing here allocates once created.
///
/// The score and update loops stay here rather than in `VectorKernels`: they are fused
/// (four inputs share each output load; the rank-B update writes Δinput and the output row in
/// one pass) over 64-byte-aligned rows padded to whole `SIMD8` chunks, and measured faster than
/// sequences of `dot`/`axpy` calls (see BENCHMARKS.md, Word2Vec). Plain row additions use
/// `VectorKernels.add`.
///
/// Skip-gram uses the pWord2Vec scheme (Ji et al. 2016, "Parallelizing Word2Vec in Shared and
/// Distributed Memory"): the B context words of one window are trained against ONE shared set
/// of output rows (the centre word's positive row, its K negatives, and/or its Huffman path).
/// The step is then two small matrix products, inputs (B×d) · outputs(O×d)ᵀ → B×O scores,
/// and the rank-B updates of the outputs, with all rows resident in L1 for the whole window,
/// instead of word2vec.c's B separate passes that each reload O rows and draw K new negatives.
package struct TrainingWorker {
  let weights: ModelWeights
  let tables: TrainingTables
  let configuration: Word2VecConfiguration
  var rng: SeededGenerator
  /// Σ loss and number of scored pairs since the last report.
  package var loss: Double = 0
  package var lossPairs = 0
  /// Scores that were NaN or infinite (the weights diverged); 0 in a healthy run.
  package var nonFiniteScores = 0
  /// Skip pairs whose score is beyond ±6 (gensim's Doc2Vec kernels) instead of updating them
  /// with the saturated sigmoid (word2vec.c, the default).
  package var skipSaturated = false

  let chunks: Int  // SIMD8 chunks per row
  let stride: Int
  let sentence: UnsafeMutablePointer<Int32>
  let contextRows: UnsafeMutablePointer<FloatRow>
  /// Sets of output rows and labels (room for 4): the current centre word's and the next
  /// ones', drawn ahead so their rows can be prefetched while the current word trains
  /// (skip-gram and CBOW use 2 sets, PV-DBOW's single-input path 3).
  let outputRows: UnsafeMutablePointer<FloatRow>
  let outputLabels: UnsafeMutablePointer<Float>
  let maxOutputs: Int
  let gradients: UnsafeMutablePointer<SIMD8<Float>>
  let scratch: UnsafeMutablePointer<Float>  // B × stride (skip-gram) or 2 × stride (CBOW)

  package init(
    weights: ModelWeights, tables: TrainingTables, configuration: Word2VecConfiguration,
    seed: UInt64, index: Int
  ) {
    self.weights = weights
    self.tables = tables
    self.configuration = configuration
    rng = SeededGenerator.stream(seed: seed, index: index)
    stride = weights.stride
    chunks = stride / 8
    let maxContext = 2 * configuration.window + 1  // + a document vector (Doc2Vec)
    let maxOutputs = configuration.negative + 1 + tables.maxCodeLength
    sentence = .allocate(capacity: configuration.maxSentenceLength)
    contextRows = .allocate(capacity: maxContext)
    self.maxOutputs = maxOutputs
    outputRows = .allocate(capacity: 4 * maxOutputs)
    outputLabels = .allocate(capacity: 4 * maxOutputs)
    gradients = .allocate(capacity: maxContext)
    let scratchRows = max(maxContext, 2)
    scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchRows * stride * 4, alignment: 64)
      .bindMemory(to: Float.self, capacity: scratchRows * stride)
  }

  /// Frees the scratch buffers.
  package func deallocate() {
    sentence.deallocate()
    contextRows.deallocate()
    outputRows.deallocate()
    outputLabels.deallocate()
    gradients.deallocate()
    UnsafeMutableRawPointer(scratch).deallocate()
  }

  // MARK: random draws

  @inline(__always)
  mutating func random32() -> UInt32 { UInt32(truncatingIfNeeded: rng.next() >> 32) }

  /// One noise word (unigram^0.75), O(1) by the alias method.
  @inline(__always)
  mutating func noiseWord() -> Int {
    let r = rng.next()
    let bucket = Int(((r & 0xFFFF_FFFF) &* UInt64(tables.vocabularySize)) >> 32)
    return UInt32(truncatingIfNeeded: r >> 32) <= tables.noiseThreshold[bucket]
      ? bucket : Int(tables.noiseAlias[bucket])
  }

  // MARK: sentences

  /// Trains one sentence of vocabulary rows at learning rate `alpha`.
  package mutating func train(sentence words: UnsafeBufferPointer<Int32>, alpha: Float) {
    // Sub-sampling: keep word w with probability keepThreshold[w] / 2³².
    var n = 0
    for w in words where random32() <= tables.keepThreshold[Int(w)] {
      sentence[n] = w
      n += 1
    }
    if n < 2 { return }
    let window = configuration.window
    let input = weights.input
    let rowBytes = stride * 4
    var current = 0
    var currentCount = collectOutputs(for: Int(sentence[0]), slot: 0)
    for i in 0..<n {
      // Draw the next centre word's outputs now and start loading their rows into cache.
      var nextCount = 0
      if i + 1 < n {
        let slot = 1 - current
        nextCount = collectOutputs(for: Int(sentence[i + 1]), slot: slot)
        for k in 0..<nextCount { w2v_prefetch_row(outputRows[slot * maxOutputs + k], rowBytes) }
        if i + 1 + window < n {
          w2v_prefetch_row(input + Int(sentence[i + 1 + window]) * stride, rowBytes)
        }
      }
      let reduced = Int((UInt64(random32()) &* UInt64(window)) >> 32)
      let span = window - reduced
      var b = 0
      let lo = max(0, i - span)
      let hi = min(n - 1, i + span)
      var j = lo
      while j <= hi {
        if j != i {
          contextRows[b] = input + Int(sentence[j]) * stride
          b += 1
        }
        j += 1
      }
      let rows = outputRows + current * maxOutputs
      let labels = outputLabels + current * maxOutputs
      if configuration.architecture == .skipGram {
        skipGramStep(contexts: b, outputs: currentCount, rows: rows, labels: labels, alpha: alpha)
      } else {
        cbowStep(contexts: b, outputs: currentCount, rows: rows, labels: labels, alpha: alpha)
      }
      current = 1 - current
      currentCount = nextCount
    }
  }

  /// Fills output slot `slot` with the centre word's positive row and K negatives (labels 1,
  /// 0, …) and/or its Huffman path (labels 1 - code); returns how many rows.
  @inline(__always)
  mutating func collectOutputs(for word: Int, slot: Int) -> Int {
    let outputRows = self.outputRows + slot * maxOutputs
    let outputLabels = self.outputLabels + slot * maxOutputs
    var o = 0
    if let negativeRows = weights.outputNegative {
      outputRows[0] = negativeRows + word * stride
      outputLabels[0] = 1
      o = 1
      for _ in 0..<configuration.negative {
        let t = noiseWord()
        if t == word { continue }
        outputRows[o] = negativeRows + t * stride
        outputLabels[o] = 0
        o += 1
      }
    }
    if let innerRows = weights.outputHierarchical {
      let start = Int(tables.pathOffsets[word])
      let end = Int(tables.pathOffsets[word + 1])
      for p in start..<end {
        outputRows[o] = innerRows + Int(tables.pathPoints[p]) * stride
        outputLabels[o] = tables.pathCodes[p]
        o += 1
      }
    }
    return o
  }

  /// (label - σ(f)) · alpha, with σ from the table (saturated outside ±6), and the pair's loss.
  ///
  /// A non-finite score (weights overflowed: the learning rate is too high and training
  /// diverged) gives no update and is counted in `nonFiniteScores`; the trainer stops on it.
  @inline(__always)
  mutating func gradient(_ f: Float, label: Float, alpha: Float) -> Float {
    guard f.isFinite else {
      nonFiniteScores += 1
      return 0
    }
    let size = SigmoidTable.size
    // Clamp in Float first: a huge finite score must not overflow the Int conversion.
    let x = min(max(f, -SigmoidTable.maxExp), SigmoidTable.maxExp)
    let index = min(max(Int((x + SigmoidTable.maxExp) * SigmoidTable.scale), 0), size)
    // -log σ(f) for a positive pair, -log σ(-f) for a negative one.
    loss += Double(tables.negLogSigmoid[label > 0 ? index : size - index])
    lossPairs += 1
    let saturated = f >= SigmoidTable.maxExp || f <= -SigmoidTable.maxExp
    if saturated && skipSaturated { return 0 }
    let s: Float =
      f >= SigmoidTable.maxExp ? 1 : (f <= -SigmoidTable.maxExp ? 0 : tables.sigmoid[index])
    return (label - s) * alpha
  }

  // MARK: skip-gram (batched windows)

  /// contexts: B input rows in `contextRows`; outputs: O rows in `outputRows`.
  /// scores[b][o] = input_b · output_o; g = (label_o - σ(score)) · alpha;
  /// Δinput_b = Σ_o g[b][o] · output_o (old values), Δoutput_o = Σ_b g[b][o] · input_b.
  /// Shapes: inputs (B × stride), outputs (O × stride), accumulated Δinputs in `scratch` (B × stride).
  @inline(__always)
  mutating func skipGramStep(
    contexts b: Int, outputs o: Int, rows outputRows: UnsafeMutablePointer<FloatRow>,
    labels outputLabels: UnsafeMutablePointer<Float>, alpha: Float, learnHidden: Bool = true
  ) {
    let delta = UnsafeMutableRawPointer(scratch)
    delta.initializeMemory(as: Float.self, repeating: 0, count: b * stride)
    let rowBytes = stride * 4
    for k in 0..<o {
      let out = UnsafeMutableRawPointer(outputRows[k])
      let label = outputLabels[k]
      // Scores, four inputs at a time (four independent accumulator chains share each output load).
      var i = 0
      while i + 4 <= b {
        let m0 = UnsafeRawPointer(contextRows[i])
        let m1 = UnsafeRawPointer(contextRows[i + 1])
        let m2 = UnsafeRawPointer(contextRows[i + 2])
        let m3 = UnsafeRawPointer(contextRows[i + 3])
        var a0 = SIMD8<Float>()
        var a1 = SIMD8<Float>()
        var a2 = SIMD8<Float>()
        var a3 = SIMD8<Float>()
        var off = 0
        for _ in 0..<chunks {
          let v = out.load(fromByteOffset: off, as: SIMD8<Float>.self)
          a0 += m0.load(fromByteOffset: off, as: SIMD8<Float>.self) * v
          a1 += m1.load(fromByteOffset: off, as: SIMD8<Float>.self) * v
          a2 += m2.load(fromByteOffset: off, as: SIMD8<Float>.self) * v
          a3 += m3.load(fromByteOffset: off, as: SIMD8<Float>.self) * v
          off += 32
        }
        gradients[i] = SIMD8(repeating: gradient(a0.sum(), label: label, alpha: alpha))
        gradients[i + 1] = SIMD8(repeating: gradient(a1.sum(), label: label, alpha: alpha))
        gradients[i + 2] = SIMD8(repeating: gradient(a2.sum(), label: label, alpha: alpha))
        gradients[i + 3] = SIMD8(repeating: gradient(a3.sum(), label: label, alpha: alpha))
        i += 4
      }
      while i < b {
        let score = Self.rowDot(
          UnsafeRawPointer(contextRows[i]), UnsafeRawPointer(out), chunks: chunks)
        gradients[i] = SIMD8(repeating: gradient(score, label: label, alpha: alpha))
        i += 1
      }
      // Fused rank-B update: Δinput_b += g_b · output (old), output += Σ_b g_b · input_b.
      var off = 0
      for _ in 0..<chunks {
        let v = out.load(fromByteOffset: off, as: SIMD8<Float>.self)
        var updated = v
        var d = delta + off
        for j in 0..<b {
          let g = gradients[j]
          let acc = d.load(as: SIMD8<Float>.self)
          d.storeBytes(of: acc + g * v, as: SIMD8<Float>.self)
          updated +=
            g * UnsafeRawPointer(contextRows[j]).load(fromByteOffset: off, as: SIMD8<Float>.self)
          d += rowBytes
        }
        if learnHidden { out.storeBytes(of: updated, toByteOffset: off, as: SIMD8<Float>.self) }
        off += 32
      }
    }
    // Apply the accumulated input updates.
    for j in 0..<b {
      let d = scratch + j * stride
      VectorKernels.add(contextRows[j], d, into: contextRows[j], stride)
    }
  }

  // MARK: CBOW

  /// h = Σ (or mean of) the B context rows; for each output: g = (label - σ(h·out)) · alpha,
  /// Δh += g · out (old), out += g · h; finally every context row += Δh (as word2vec.c), or
  /// += Δh / B for a sum with `scaleSumError` (gensim's Doc2Vec PV-DM with dm_mean=0).
  /// Shapes: h and Δh are two stride-long rows of `scratch`.
  @inline(__always)
  mutating func cbowStep(
    contexts b: Int, outputs o: Int, rows outputRows: UnsafeMutablePointer<FloatRow>,
    labels outputLabels: UnsafeMutablePointer<Float>, alpha: Float, learnHidden: Bool = true,
    updatedContexts: Int? = nil, scaleSumError: Bool = false
  ) {
    let h = UnsafeMutableRawPointer(scratch)
    let delta = h + stride * 4
    let scale = SIMD8<Float>(repeating: configuration.cbowMean ? 1 / Float(b) : 1)
    var off = 0
    for _ in 0..<chunks {
      var s = SIMD8<Float>()
      for j in 0..<b {
        s += UnsafeRawPointer(contextRows[j]).load(fromByteOffset: off, as: SIMD8<Float>.self)
      }
      h.storeBytes(of: s * scale, toByteOffset: off, as: SIMD8<Float>.self)
      delta.storeBytes(of: SIMD8<Float>(), toByteOffset: off, as: SIMD8<Float>.self)
      off += 32
    }
    for k in 0..<o {
      let out = UnsafeMutableRawPointer(outputRows[k])
      var a0 = SIMD8<Float>()
      var a1 = SIMD8<Float>()
      off = 0
      var c = 0
      while c + 2 <= chunks {
        a0 +=
          h.load(fromByteOffset: off, as: SIMD8<Float>.self)
          * out.load(fromByteOffset: off, as: SIMD8<Float>.self)
        a1 +=
          h.load(fromByteOffset: off + 32, as: SIMD8<Float>.self)
          * out.load(fromByteOffset: off + 32, as: SIMD8<Float>.self)
        off += 64
        c += 2
      }
      if c < chunks {
        a0 +=
          h.load(fromByteOffset: off, as: SIMD8<Float>.self)
          * out.load(fromByteOffset: off, as: SIMD8<Float>.self)
      }
      let g = SIMD8<Float>(
        repeating: gradient((a0 + a1).sum(), label: outputLabels[k], alpha: alpha))
      off = 0
      for _ in 0..<chunks {
        let v = out.load(fromByteOffset: off, as: SIMD8<Float>.self)
        let d = delta.load(fromByteOffset: off, as: SIMD8<Float>.self)
        delta.storeBytes(of: d + g * v, toByteOffset: off, as: SIMD8<Float>.self)
        if learnHidden {
          out.storeBytes(
            of: v + g * h.load(fromByteOffset: off, as: SIMD8<Float>.self), toByteOffset: off,
            as: SIMD8<Float>.self)
        }
        off += 32
      }
    }
    let deltaRow = scratch + stride
    if scaleSumError && !configuration.cbowMean {
      for j in 0..<(updatedContexts ?? b) {
        VectorKernels.axpy(1 / Float(b), deltaRow, contextRows[j], stride)
      }
      return
    }
    for j in 0..<(updatedContexts ?? b) {
      VectorKernels.add(contextRows[j], deltaRow, into: contextRows[j], stride)
    }
  }
}
