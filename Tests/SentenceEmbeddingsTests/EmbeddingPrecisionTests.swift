import EmbeddingCore
import Foundation
import Testing

@testable import SentenceEmbeddings

/// Output precisions against sentence-transformers' `quantize_embeddings` on the fixture vectors.
@Suite struct EmbeddingPrecisionTests {
  @Test(arguments: [EmbeddingPrecision.int8, .uint8, .binary, .ubinary])
  func matchesQuantizeEmbeddings(precision: EmbeddingPrecision) throws {
    let fixture = try BertFixture("mean")
    let rows = fixture.rows("embeddings")
    let matrix = Matrix(
      rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0.map(Float.init) })
    let codes = try #require(try precision.quantize(matrix))
    let expected = fixture.ints(precision.rawValue).flatMap { $0 }
    #expect(codes == expected)
    #expect(codes.count == rows.count * precision.rowBytes(dimension: matrix.columns))
  }

  @Test func singleRowNeedsRanges() throws {
    let one = Matrix(rows: 1, columns: 3, values: [0.1, -0.21, 0.3])
    #expect(throws: EmbeddingError.self) { try EmbeddingPrecision.int8.quantize(one) }
    let codes = try EmbeddingPrecision.int8.quantize(one, ranges: ([-1, -1, -1], [1, 1, 1]))
    // floor((x + 1) · 127.5) − 128: 140.25, 100.725, 165.75.
    #expect(codes == [12, -28, 37])
    #expect(try EmbeddingPrecision.ubinary.quantize(one) == [0b1010_0000])
    #expect(try EmbeddingPrecision.float32.quantize(one) == nil)
  }
}
