import EmbeddingCore
import Foundation
import Testing

@testable import InputEmbeddings

@Suite struct InputEmbeddingLayerTests {
  func layer(v: Int = 10, t: Int = 4, c: Int = 5, padding: Int? = nil) throws
    -> InputEmbeddingLayer
  {
    let layer = try InputEmbeddingLayer(
      vocabularySize: v, contextLength: t, dimension: c, paddingID: padding)
    layer.initializeNormal(standardDeviation: 1, seed: 7)
    return layer
  }

  @Test func forwardIsTokenPlusPosition() throws {
    for c in [1, 5, 8, 16, 19, 40] {
      let l = try layer(c: c)
      let ids: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6]
      let x = try l.forward(ids, batchSize: 2, contextLength: 4)
      #expect(x.shape == [2, 4, c])
      for b in 0..<2 {
        for t in 0..<4 {
          for k in 0..<c {
            let expected =
              l.tokenEmbedding.weights[Int(ids[b * 4 + t]), k] + l.positionEmbedding.weights[t, k]
            #expect(x[b, t, k] == expected)
          }
        }
      }
    }
  }

  @Test func backwardScatterAddsIntoUsedRows() throws {
    let l = try layer(c: 19)
    let ids: [Int32] = [3, 1, 3, 7, 1, 3]  // [2, 3]
    let g = EmbeddingTensor(batchSize: 2, contextLength: 3, dimension: 19)
    for i in 0..<g.values.count { g.values.baseAddress[i] = Float(i % 7) - 3 }
    try l.backward(ids, batchSize: 2, contextLength: 3, outputGradient: g)
    try l.backward(ids, batchSize: 2, contextLength: 3, outputGradient: g)  // accumulates
    let dwte = try #require(l.tokenEmbedding.gradient)
    let dwpe = try #require(l.positionEmbedding.gradient)
    for k in 0..<19 {
      func gv(_ n: Int) -> Float { g.values[n, k] }
      #expect(dwte[3, k] == 2 * (gv(0) + gv(2) + gv(5)))
      #expect(dwte[1, k] == 2 * (gv(1) + gv(4)))
      #expect(dwte[7, k] == 2 * gv(3))
      #expect(dwte[0, k] == 0)
      #expect(dwpe[0, k] == 2 * (gv(0) + gv(3)))
      #expect(dwpe[2, k] == 2 * (gv(2) + gv(5)))
      #expect(dwpe[3, k] == 0)
    }
    #expect(Set(l.tokenEmbedding.touchedRows ?? []) == [3, 1, 7])
    l.zeroGradients()
    #expect(l.tokenEmbedding.gradient!.buffer.allSatisfy { $0 == 0 })
    #expect(l.positionEmbedding.gradient!.buffer.allSatisfy { $0 == 0 })
    // After a (lazy) zeroing, the next backward pass replaces rows instead of adding.
    l.zeroGradients()
    try l.backward(ids, batchSize: 2, contextLength: 3, outputGradient: g)
    let again = try #require(l.tokenEmbedding.gradient)
    for k in 0..<19 {
      #expect(again[3, k] == g.values[0, k] + g.values[2, k] + g.values[5, k])
      #expect(again[7, k] == g.values[3, k])
    }
    // A row used in one batch but not the next reads as zero after zeroing.
    l.zeroGradients()
    try l.backward([0, 0, 0, 0, 0, 0], batchSize: 2, contextLength: 3, outputGradient: g)
    #expect(l.tokenEmbedding.gradient!.row(3).allSatisfy { $0 == 0 })
  }

  @Test func largeBatchesTakeTheThreadedPathAndMatchANaiveLoop() throws {
    // 4 × 64 × 300 = 76,800 floats: above the threading threshold, with SIMD blocks and tails.
    let (b, t, c, v) = (4, 64, 300, 50)
    let l = try InputEmbeddingLayer(vocabularySize: v, contextLength: t, dimension: c, paddingID: 7)
    l.initializeNormal(standardDeviation: 1, seed: 11)
    var rng = SeededGenerator(seed: 5)
    let ids = (0..<(b * t)).map { _ in Int32(rng.next() % UInt64(v)) }
    let g = EmbeddingTensor(batchSize: b, contextLength: t, dimension: c)
    for i in 0..<g.values.count { g.values.baseAddress[i] = rng.nextGaussian() }
    let x = try l.forward(ids, batchSize: b, contextLength: t)
    var expectedWte = [Float](repeating: 0, count: v * c)
    var expectedWpe = [Float](repeating: 0, count: t * c)
    for n in 0..<(b * t) {
      let id = Int(ids[n])
      for k in 0..<c {
        #expect(
          x.values[n, k] == l.tokenEmbedding.weights[id, k] + l.positionEmbedding.weights[n % t, k])
        if id != 7 { expectedWte[id * c + k] += g.values[n, k] }
        expectedWpe[(n % t) * c + k] += g.values[n, k]
      }
    }
    for round in 0..<2 {  // the second round starts from a lazily zeroed gradient
      l.zeroGradients()
      try l.backward(ids, batchSize: b, contextLength: t, outputGradient: g)
      let dwte = try #require(l.tokenEmbedding.gradient)
      let dwpe = try #require(l.positionEmbedding.gradient)
      let wteError = expectedWte.withUnsafeBufferPointer {
        relativeError(UnsafeBufferPointer(dwte.buffer), $0)
      }
      let wpeError = expectedWpe.withUnsafeBufferPointer {
        relativeError(UnsafeBufferPointer(dwpe.buffer), $0)
      }
      #expect(wteError < 1e-5, "round \(round)")
      #expect(wpeError < 1e-5, "round \(round)")
    }
  }

  @Test func paddingRowStaysZeroAndGetsNoGradient() throws {
    let l = try layer(padding: 0)
    #expect(l.tokenEmbedding.weights.row(0).allSatisfy { $0 == 0 })
    let ids: [Int32] = [0, 2, 0, 0]
    let g = EmbeddingTensor(batchSize: 1, contextLength: 4, dimension: 5)
    for i in 0..<g.values.count { g.values.baseAddress[i] = 1 }
    try l.backward(ids, batchSize: 1, contextLength: 4, outputGradient: g)
    #expect(l.tokenEmbedding.gradient!.row(0).allSatisfy { $0 == 0 })
    #expect(l.tokenEmbedding.gradient!.row(2).allSatisfy { $0 == 1 })
    #expect(l.positionEmbedding.gradient!.row(0).allSatisfy { $0 == 1 })  // positions still learn
    var sgd = GradientOptimizer.sgd(learningRate: 0.5)
    sgd.step([l.tokenEmbedding])
    #expect(l.tokenEmbedding.weights.row(0).allSatisfy { $0 == 0 })
  }

  @Test func frozenTablesGetNoGradientAndDoNotMove() throws {
    let l = try layer()
    l.tokenEmbedding.isFrozen = true
    let before = l.tokenEmbedding.weights.copy()
    let g = EmbeddingTensor(batchSize: 1, contextLength: 2, dimension: 5)
    for i in 0..<g.values.count { g.values.baseAddress[i] = 1 }
    try l.backward([4, 5], batchSize: 1, contextLength: 2, outputGradient: g)
    #expect(l.tokenEmbedding.gradient == nil)
    #expect(l.positionEmbedding.gradient != nil)
    var adam = GradientOptimizer.adamW(learningRate: 0.1)
    adam.step([l.tokenEmbedding, l.positionEmbedding])
    #expect(relativeError(before, l.tokenEmbedding.weights) == 0)
  }

  @Test func badInputIsAClearError() throws {
    let l = try layer(v: 10, t: 4)
    func message(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch { return "\(error)" }
    }
    #expect(
      message { _ = try l.forward([1, 10, 2, 3], batchSize: 1, contextLength: 4) }
        .contains("token ID 10 at [0, 1] is out of range"))
    #expect(message { _ = try l.forward([-1], batchSize: 1, contextLength: 1) }.contains("-1"))
    #expect(
      message { _ = try l.forward(Array(repeating: 1, count: 5), batchSize: 1, contextLength: 5) }
        .contains("longer than the positional embedding table"))
    #expect(
      message { _ = try l.forward([1, 2, 3], batchSize: 2, contextLength: 2) }
        .contains("do not make a [2, 2] batch"))
    let wrong = EmbeddingTensor(batchSize: 1, contextLength: 2, dimension: 6)
    #expect(
      message { try l.backward([1, 2], batchSize: 1, contextLength: 2, outputGradient: wrong) }
        .contains("shape"))
    #expect(throws: EmbeddingError.self) {
      _ = try InputEmbeddingLayer(vocabularySize: 10, contextLength: 4, dimension: 12_289)
    }
    #expect(throws: EmbeddingError.self) {
      _ = try InputEmbeddingLayer(vocabularySize: 10, contextLength: 4, dimension: 0)
    }
    #expect(throws: EmbeddingError.self) {
      _ = try InputEmbeddingLayer(vocabularySize: 10, contextLength: 4, dimension: 4, paddingID: 10)
    }
  }

  @Test func anyDimensionUpTo12288() throws {
    for c in [1, 3, 12_288] {
      let l = try InputEmbeddingLayer(vocabularySize: 3, contextLength: 2, dimension: c)
      l.initializeNormal(seed: 1)
      let x = try l.forward([2, 0], batchSize: 1, contextLength: 2)
      #expect(
        x[0, 1, c - 1] == l.tokenEmbedding.weights[0, c - 1] + l.positionEmbedding.weights[1, c - 1]
      )
    }
  }

  @Test func memoryIsEstimatedBeforeAllocating() throws {
    let gpt3 = MemoryEstimate.inputLayer(
      vocabularySize: 50_257, contextLength: 2_048, dimension: 12_288, batchSize: 8,
      training: true)
    #expect(gpt3.total == 4 * (2 * 50_257 * 12_288 + 2 * 2_048 * 12_288 + 2 * 8 * 2_048 * 12_288))
    #expect("\(gpt3)".contains("token embedding 2.3 GiB"))
    do {
      _ = try InputEmbeddingLayer(
        vocabularySize: 50_257, contextLength: 1_024, dimension: 768, memoryLimit: 1 << 20)
      Issue.record("expected an out-of-memory error")
    } catch let error as EmbeddingError {
      guard case .outOfMemory = error else { throw error }
      #expect("\(error)".contains("token embedding"))
    }
  }

  @Test func normalInitIsSeededAndHasTheRequestedSpread() throws {
    let a = try InputEmbeddingLayer(vocabularySize: 3000, contextLength: 4, dimension: 16)
    let b = try InputEmbeddingLayer(vocabularySize: 3000, contextLength: 4, dimension: 16)
    a.initializeNormal(standardDeviation: 0.02, seed: 5)
    b.initializeNormal(standardDeviation: 0.02, seed: 5)
    #expect(relativeError(a.tokenEmbedding.weights, b.tokenEmbedding.weights) == 0)
    let values = a.tokenEmbedding.weights.buffer
    let mean = values.reduce(0, +) / Float(values.count)
    let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count))
      .squareRoot()
    #expect(abs(mean) < 0.001)
    #expect(abs(sd - 0.02) < 0.001)
  }
}
