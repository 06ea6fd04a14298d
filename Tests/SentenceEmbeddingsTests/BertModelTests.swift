import EmbeddingCore
import Foundation
import Testing

@testable import SentenceEmbeddings

/// The encoder on token ids from the fixtures, against sentence-transformers' vectors (1e-5).
@Suite struct BertModelTests {
  @Test(arguments: BertFixture.variants)
  func matchesSentenceTransformersOnReferenceIDs(variant: String) throws {
    let fixture = try BertFixture(variant)
    let model = try BertModel(directory: fixture.directory)
    for threads in [1, 2] {
      let vectors = try model.embed(tokenIDs: fixture.ids, threads: threads)
      let diff = maxDifference(vectors, fixture.rows("embeddings"))
      #expect(diff < 1e-5, "\(variant), \(threads) threads: max |difference| \(diff)")
    }
  }

  @Test func readsTheSentenceTransformersFiles() throws {
    let mean = try BertModel(directory: BertFixture("mean").directory)
    #expect(
      mean.layout == SentenceModelLayout(maxSequenceLength: 16, pooling: .mean, normalize: true))
    #expect(mean.config.layerCount == 2 && mean.config.intermediateSize == 128)
    let cls = try BertModel(directory: BertFixture("cls").directory)
    #expect(
      cls.layout
        == SentenceModelLayout(
          maxSequenceLength: 24, pooling: .cls, normalize: false, queryPrompt: "query: ",
          passagePrompt: "passage: "))
    #expect(cls.config.layerCount == 3 && cls.config.intermediateSize == 48)
    let max = try BertModel(directory: BertFixture("max").directory)
    #expect(max.layout.pooling == .max && max.layout.maxSequenceLength == 20)
  }

  @Test func batchOrderAndCompositionDoNotChangeVectors() throws {
    let fixture = try BertFixture("cls")
    let model = try BertModel(directory: fixture.directory)
    let all = try model.embed(tokenIDs: fixture.ids, threads: 2)
    let reversed = try model.embed(tokenIDs: fixture.ids.reversed(), threads: 1)
    for i in 0..<fixture.ids.count {
      let alone = try model.embed(tokenIDs: [fixture.ids[i]])
      #expect(
        zip(alone.row(0), all.row(i)).allSatisfy { abs($0 - $1) < 1e-6 }, "sequence \(i) alone")
      #expect(reversed.row(fixture.ids.count - 1 - i) == all.row(i), "sequence \(i) reversed")
    }
  }

  @Test func rejectsBadTokenIDs() throws {
    let model = try BertModel(directory: BertFixture("mean").directory)
    #expect(throws: EmbeddingError.self) { try model.embed(tokenIDs: [[]]) }
    #expect(throws: EmbeddingError.self) { try model.embed(tokenIDs: [[2, 100_000, 3]]) }
    #expect(throws: EmbeddingError.self) { try model.embed(tokenIDs: [[2, -1, 3]]) }
    #expect(throws: EmbeddingError.self) {
      try model.embed(tokenIDs: [[Int32](repeating: 5, count: 65)])
    }
    #expect(try model.embed(tokenIDs: []).rows == 0)
  }
}

/// The int8 compute mode stays close to the float32 vectors.
@Suite struct Int8ComputeTests {
  @Test(arguments: ["mean", "cls"])
  func int8VectorsAreCloseToFloat32(variant: String) throws {
    let fixture = try BertFixture(variant)
    let exact = try BertModel(directory: fixture.directory).embed(tokenIDs: fixture.ids)
    let int8 = try BertModel(directory: fixture.directory, compute: .int8)
    #expect(int8.compute == .int8)
    let approx = try int8.embed(tokenIDs: fixture.ids, threads: 2)
    var worst: Float = 1
    for r in 0..<exact.rows {
      let a = exact.rowPointer(r)
      let b = approx.rowPointer(r)
      let n = exact.columns
      let cosine =
        VectorKernels.dot(a, b, n) / (VectorKernels.norm(a, n) * VectorKernels.norm(b, n))
      worst = min(worst, cosine)
    }
    #expect(worst > 0.99, "\(variant): worst cosine \(worst)")
    #expect(worst < 1, "int8 mode gave float32's vectors exactly: it is not in use")
  }
}
