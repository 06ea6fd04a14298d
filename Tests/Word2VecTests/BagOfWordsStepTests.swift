import EmbeddingCore
import Testing

@testable import Word2Vec

@Suite struct BagOfWordsStepTests {
  /// 64-byte-aligned padded row(s) filled from `rng` in ±0.5.
  static func randomRows(_ count: Int, seed: UInt64) -> UnsafeMutablePointer<Float> {
    let p = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
      .bindMemory(to: Float.self, capacity: count)
    var rng = SeededGenerator(seed: seed)
    for i in 0..<count { p[i] = rng.nextFloat() - 0.5 }
    return p
  }

  /// PV-DBOW's single-input fast path (`trainBagOfWords`) gives bit for bit the document row and
  /// output rows of the general batched step (`skipGramStep` with one context row): same
  /// arithmetic, same random draws.
  @Test(arguments: [(false, 5, true), (true, 0, true), (true, 3, true), (false, 5, false)])
  func fastPathMatchesGeneralStep(hs: Bool, negative: Int, learnHidden: Bool) {
    let (v, d) = (60, 20)
    let counts = (0..<v).map { 5_000 / ($0 + 1) + 1 }
    var c = Word2VecConfiguration(architecture: .skipGram)
    c.dimension = d
    c.negative = negative
    c.hierarchicalSoftmax = hs
    c.sample = 1e-2
    let tables = TrainingTables(counts: counts, sample: c.sample, hierarchical: hs)
    let words: [Int32] = (0..<400).map { Int32(($0 * 7_919 + $0 / 3) % v) }
    func run(fast: Bool) -> [Float] {
      let weights = ModelWeights(
        rows: v, dimension: d, negative: negative > 0, hierarchical: hs)
      let stride = weights.stride
      weights.randomizeInput(seed: 9)
      // Non-zero outputs, padding lanes left zero (as training keeps them).
      for (matrix, rows) in [
        (weights.outputNegative, v), (weights.outputHierarchical, max(v - 1, 1)),
      ] {
        guard let matrix else { continue }
        let source = Self.randomRows(rows * stride, seed: 11)
        for r in 0..<rows { (matrix + r * stride).update(from: source + r * stride, count: d) }
        source.deallocate()
      }
      let document = Self.randomRows(stride, seed: 13)
      for i in d..<stride { document[i] = 0 }
      defer { document.deallocate() }
      var worker = TrainingWorker(
        weights: weights, tables: tables, configuration: c, seed: 4, index: 0)
      worker.skipSaturated = true
      defer { worker.deallocate() }
      words.withUnsafeBufferPointer { ids in
        for pass in 0..<3 {
          let alpha = Float(0.2) / Float(pass + 1)  // large, so some pairs saturate
          if fast {
            _ = worker.train(
              document: ids, vector: document, mode: .distributedBagOfWords(trainWords: false),
              alpha: alpha, learnWords: learnHidden, learnHidden: learnHidden)
          } else {
            let n = worker.keepSubsampled(ids)
            for i in 0..<n {
              let k = worker.collectOutputs(for: Int(worker.sentence[i]), slot: 0)
              worker.contextRows[0] = document
              worker.skipGramStep(
                contexts: 1, outputs: k, rows: worker.outputRows, labels: worker.outputLabels,
                alpha: alpha, learnHidden: learnHidden)
            }
          }
        }
      }
      var out = Array(UnsafeBufferPointer(start: document, count: stride))
      if let n = weights.outputNegative { out += UnsafeBufferPointer(start: n, count: v * stride) }
      if let h = weights.outputHierarchical {
        out += UnsafeBufferPointer(start: h, count: (v - 1) * stride)
      }
      return out
    }
    let fast = run(fast: true)
    let general = run(fast: false)
    #expect(fast.count == general.count)
    #expect(fast == general)
    // The run did train: the document row moved from its start.
    let start = Self.randomRows(20, seed: 13)
    defer { start.deallocate() }
    #expect((0..<d).contains { fast[$0] != start[$0] })
  }
}
