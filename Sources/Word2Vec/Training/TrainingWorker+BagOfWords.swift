import CWord2VecSupport
import EmbeddingCore
import Foundation

extension TrainingWorker {
  /// PV-DBOW without word training (gensim's `dbow_words=0`), the common Doc2Vec mode: the
  /// document row alone predicts each of the `n` kept words in `sentence`, against the word's
  /// positive row and K negatives and/or its Huffman path.
  ///
  /// The same arithmetic, in the same order, and the same random draws as `skipGramStep` with
  /// one context row (results are bit-identical at one thread), without that kernel's
  /// per-call work for B inputs. The outputs of the words two ahead are drawn early and their
  /// rows prefetched, so their cache misses overlap the current words' arithmetic: without it,
  /// 59% of PV-DBOW's training time was the first load of an output row (perf, SciFact; most
  /// output rows are negatives drawn at random from the whole vocabulary).
  /// Shapes: document [stride], output rows [V × stride], Δdocument in `scratch` [stride].
  mutating func trainBagOfWords(
    count n: Int, vector document: UnsafeMutablePointer<Float>, alpha: Float, learnHidden: Bool
  ) {
    // Outputs are drawn `ahead` words early (in word order, so the random draws are those of
    // the plain loop) into a ring of `ahead + 1` slots, and their rows prefetched: one word's
    // arithmetic is too short to hide a cache miss, two words' hide most of it.
    let ahead = 2
    let slots = ahead + 1
    let rowBytes = stride * 4
    var counts = SIMD4<Int>()
    for j in 0..<min(ahead, n) {
      counts[j] = prefetchedOutputs(for: Int(sentence[j]), slot: j, rowBytes: rowBytes)
    }
    var slot = 0  // i % slots
    var nextSlot = ahead % slots  // (i + ahead) % slots
    for i in 0..<n {
      if i + ahead < n {
        counts[nextSlot] = prefetchedOutputs(
          for: Int(sentence[i + ahead]), slot: nextSlot, rowBytes: rowBytes)
      }
      singleInputStep(
        document, outputs: counts[slot], rows: outputRows + slot * maxOutputs,
        labels: outputLabels + slot * maxOutputs, alpha: alpha, learnHidden: learnHidden)
      slot = slot + 1 == slots ? 0 : slot + 1
      nextSlot = nextSlot + 1 == slots ? 0 : nextSlot + 1
    }
  }

  /// `collectOutputs` into `slot`, then starts loading the rows into cache; returns how many.
  @inline(__always)
  mutating func prefetchedOutputs(for word: Int, slot: Int, rowBytes: Int) -> Int {
    let count = collectOutputs(for: word, slot: slot)
    for k in 0..<count { w2v_prefetch_row(outputRows[slot * maxOutputs + k], rowBytes) }
    return count
  }

  /// One input row x against O output rows: g_o = (label_o - σ(x·out_o)) · alpha,
  /// Δx += g_o · out_o (old), out_o += g_o · x; finally x += Δx (gensim's
  /// `fast_document_dbow_neg`/`_hs`). A pair with g = 0 (saturated and skipped) changes nothing.
  /// Shapes: x [stride], outputs O × [stride], Δx in `scratch` [stride].
  @inline(__always)
  mutating func singleInputStep(
    _ x: UnsafeMutablePointer<Float>, outputs o: Int, rows: UnsafeMutablePointer<FloatRow>,
    labels: UnsafeMutablePointer<Float>, alpha: Float, learnHidden: Bool
  ) {
    let delta = UnsafeMutableRawPointer(scratch)
    let input = UnsafeRawPointer(x)
    delta.initializeMemory(as: Float.self, repeating: 0, count: stride)
    for k in 0..<o {
      let out = UnsafeMutableRawPointer(rows[k])
      // The same dot as skipGramStep's single-row path, so the vectors stay bit-identical.
      let step = gradient(
        Self.rowDot(input, UnsafeRawPointer(out), chunks: chunks), label: labels[k], alpha: alpha)
      if step == 0 { continue }
      let g = SIMD8<Float>(repeating: step)
      var off = 0
      if learnHidden {
        for _ in 0..<chunks {
          let v = out.load(fromByteOffset: off, as: SIMD8<Float>.self)
          let d = delta.load(fromByteOffset: off, as: SIMD8<Float>.self)
          delta.storeBytes(of: d + g * v, toByteOffset: off, as: SIMD8<Float>.self)
          let u = v + g * input.load(fromByteOffset: off, as: SIMD8<Float>.self)
          out.storeBytes(of: u, toByteOffset: off, as: SIMD8<Float>.self)
          off += 32
        }
      } else {
        for _ in 0..<chunks {
          let v = out.load(fromByteOffset: off, as: SIMD8<Float>.self)
          let d = delta.load(fromByteOffset: off, as: SIMD8<Float>.self)
          delta.storeBytes(of: d + g * v, toByteOffset: off, as: SIMD8<Float>.self)
          off += 32
        }
      }
    }
    VectorKernels.add(x, scratch, into: x, stride)
  }

  /// Σ a·b over `chunks` SIMD8 chunks of two padded rows, in two accumulator chains (even and odd
  /// chunks) summed at the end: the one dot both training steps use for a single input row.
  /// Shapes: a, b [chunks × 8].
  @inline(__always)
  static func rowDot(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, chunks: Int) -> Float {
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var off = 0
    var c = 0
    while c + 2 <= chunks {
      a0 +=
        a.load(fromByteOffset: off, as: SIMD8<Float>.self)
        * b.load(fromByteOffset: off, as: SIMD8<Float>.self)
      a1 +=
        a.load(fromByteOffset: off + 32, as: SIMD8<Float>.self)
        * b.load(fromByteOffset: off + 32, as: SIMD8<Float>.self)
      off += 64
      c += 2
    }
    if c < chunks {
      a0 +=
        a.load(fromByteOffset: off, as: SIMD8<Float>.self)
        * b.load(fromByteOffset: off, as: SIMD8<Float>.self)
    }
    return (a0 + a1).sum()
  }
}
