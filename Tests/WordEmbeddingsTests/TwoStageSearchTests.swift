import EmbeddingCore
import Foundation
import Testing

@testable import WordEmbeddings

/// The two-stage search (Int16 screen + exact float rescoring) against the float kernel:
/// identical words, order and similarity values.
@Suite struct TwoStageSearchTests {
  /// 2,000 random rows of dimension 37 (8-lane steps, a 4-lane tail and a scalar tail), with
  /// exact ties (scaled copies), near-ties (copies nudged by one part in 10⁶), a zero row
  /// and one row with a single dominant element.
  static let random: WordVectors = {
    var rng = SeededGenerator(seed: 2026)
    let rows = 2000
    let d = 37
    var values = (0..<rows * d).map { _ in rng.nextGaussian() }
    for r in stride(from: 100, to: 400, by: 3) {
      let source = r - 100
      for j in 0..<d {
        let v = values[source * d + j]
        values[r * d + j] = r % 2 == 0 ? 2 * v : v * (1 + 1e-6 * Float(j % 3))
      }
    }
    // Rows 1000..<1200 all have cosine ≈ 0.8 with row 0, differing by ~1e-6 (far below the
    // Int16 screen's resolution): row 0's top-k boundary falls among them.
    let unit0 = (0..<d).map { values[$0] }
    let length0 = unit0.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let u0 = unit0.map { $0 / length0 }
    for r in 1000..<1200 {
      var w = (0..<d).map { _ in rng.nextGaussian() }
      let along = zip(w, u0).reduce(0) { $0 + $1.0 * $1.1 }
      w = zip(w, u0).map { $0 - along * $1 }
      let length = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
      let spread = 0.6 * (1 + 1e-6 * Float(r % 7))
      for j in 0..<d { values[r * d + j] = 0.8 * u0[j] + spread * w[j] / length }
    }
    for j in 0..<d { values[500 * d + j] = 0 }
    values[501 * d + 3] = 1e4
    let words = (0..<rows).map { "w\($0)" }
    do {
      return try WordVectors(words: words, matrix: Matrix(rows: rows, columns: d, values: values))
    } catch { fatalError("\(error)") }
  }()

  private func compare(
    _ wv: WordVectors, _ batch: [(positive: [String], negative: [String])], topN: Int,
    restrictTo: Int?
  ) throws {
    var queries: [[Float]] = []
    var excluded: [[Int]] = []
    for (positive, negative) in batch {
      let rows = try (positive + negative).map { try wv.requireIndex(of: $0) }
      queries.append(
        wv.meanQuery(rows: rows, weights: positive.map { _ in 1.0 } + negative.map { _ in -1.0 }))
      excluded.append(rows)
    }
    // The two-stage path must really run (not fall back) for the comparison to mean anything.
    let q = Matrix(
      rows: queries.count, columns: wv.dimension, values: queries.flatMap { $0 })
    #expect(
      TwoStageSearch.topK(
        rows: wv.matrix, quantized: wv.quantizedRows, norms: wv.norms,
        rowLimit: restrictTo ?? wv.count, queries: q, k: topN + 3) != nil)
    let floatAnswers = wv.searchBatch(
      queries, topN: topN, restrictTo: restrictTo, excluding: excluded, strategy: .floatOnly)
    let twoStage = wv.searchBatch(
      queries, topN: topN, restrictTo: restrictTo, excluding: excluded, strategy: .twoStage)
    #expect(floatAnswers.count == batch.count)
    for (i, (two, float)) in zip(twoStage, floatAnswers).enumerated() {
      #expect(two == float, "query \(i) \(batch[i]), topN \(topN), restrictTo \(restrictTo ?? -1)")
    }
    #expect(floatAnswers.allSatisfy { $0.count == min(topN, (restrictTo ?? wv.count)) })
  }

  @Test func randomRowsWithNearTiesMatchTheFloatKernel() throws {
    let wv = Self.random
    // Queries on tied rows (their copies rank equal or nearly equal), analogies, and the
    // dominant-element row.
    var batch: [(positive: [String], negative: [String])] = (0..<36).map {
      (["w\($0 * 7)"], [])
    }
    batch += (0..<8).map { (["w\($0 * 11 + 1)", "w\($0 + 900)"], ["w\($0 + 1500)"]) }
    batch.append((["w501"], []))
    batch += [(["w0"], []), (["w100"], []), (["w1000"], [])]
    try compare(wv, batch, topN: 10, restrictTo: nil)
    try compare(wv, batch, topN: 25, restrictTo: 1200)
    try compare(wv, batch, topN: 1, restrictTo: nil)
  }

  @Test func gensimFixtureMatchesTheFloatKernel() throws {
    let wv = Fixture.vectors
    let batch: [(positive: [String], negative: [String])] =
      (0..<60).map { ([wv.words[$0 * 3]], []) }
      + (0..<10).map { ([wv.words[$0], wv.words[$0 + 40]], [wv.words[$0 + 80]]) }
    try compare(wv, batch, topN: 10, restrictTo: nil)
    try compare(wv, batch, topN: 5, restrictTo: wv.count / 2)
  }

  @Test func quantizedRowsStayWithinTheOverflowLimits() throws {
    let wv = Self.random
    let q = wv.quantizedRows
    #expect(q.stride == 40)
    #expect(q.relativeError[500] == .infinity)  // the zero row is always rescored
    for r in 0..<q.rows where r != 500 {
      var squares = 0.0
      for j in 0..<q.stride {
        let v = Double(q.values[r * q.stride + j])
        #expect(abs(v) <= 32767)
        squares += v * v
      }
      #expect(squares.squareRoot() <= QuantizedRows.maxLength)
      #expect(q.relativeError[r] > 0 && q.relativeError[r] < 1e-3)
    }
    #expect(wv.quantizedRows === q)  // built once
  }

  @Test func largeBatchesTakeTheTwoStagePathSmallOnesDoNot() {
    #expect(TwoStageSearch.isWorthwhile(queries: 1000, rows: 100_000, k: 11))
    #expect(!TwoStageSearch.isWorthwhile(queries: 8, rows: 100_000, k: 11))
    #expect(!TwoStageSearch.isWorthwhile(queries: 129, rows: 100_000, k: 11))  // 1-query block
    #expect(!TwoStageSearch.isWorthwhile(queries: 1000, rows: 50, k: 11))
  }
}

@Suite struct TwoStageSearchMemoryCapTests {
  @Test func theCopyIsCappedAtOneGibibyte() {
    // 300-dim rows pad to 304 Int16s (608 bytes): 1,766,000 rows fit under the cap, 1,767,000 do not.
    #expect(
      QuantizedRows.byteCount(rows: 1_766_000, dimension: 300) <= TwoStageSearch.maximumCopyBytes)
    #expect(
      QuantizedRows.byteCount(rows: 1_767_000, dimension: 300) > TwoStageSearch.maximumCopyBytes)
    #expect(QuantizedRows.byteCount(rows: 10, dimension: 37) == 10 * 40 * 2)
  }
}
