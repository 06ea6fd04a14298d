import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import SentenceEmbeddings

/// Texts in, vectors out, against sentence-transformers' `encode` on the fixtures (1e-5).
@Suite struct SentenceEncoderTests {
  @Test(arguments: BertFixture.variants)
  func encodesLikeSentenceTransformers(variant: String) throws {
    let fixture = try BertFixture(variant)
    var options = SentenceEncoderOptions()
    options.batchSize = 3
    options.threads = 2
    let encoder = try SentenceEncoder(directory: fixture.directory, options: options)
    let result = try encoder.embed(fixture.inputs)
    let diff = maxDifference(result.vectors, fixture.rows("embeddings"))
    #expect(diff < 1e-5, "\(variant): max |difference| \(diff)")
    #expect(result.truncatedCount == fixture.truncated.filter { $0 }.count)
    #expect(result.truncatedCount > 0)
    for (i, text) in fixture.inputs.enumerated() {
      #expect(encoder.tokenizer.encode(text, maxLength: 1000).ids.count >= fixture.ids[i].count)
    }
  }

  @Test func queryPromptIsPrepended() throws {
    let fixture = try BertFixture("cls")
    let encoder = try SentenceEncoder(directory: fixture.directory)
    #expect(encoder.descriptor.queryPrefix == "query: ")
    let queries = try encoder.encode(fixture.inputs, role: .query)
    let diff = maxDifference(queries, fixture.rows("queryEmbeddings"))
    #expect(diff < 1e-5, "query prompt: max |difference| \(diff)")
    let plain = try encoder.encode(fixture.inputs, role: .plain)
    #expect(maxDifference(plain, fixture.rows("embeddings")) < 1e-5)
  }

  @Test func matryoshkaDimensionsTruncateAndRenormalise() throws {
    let fixture = try BertFixture("mean")
    var options = SentenceEncoderOptions()
    options.dimensions = 16
    let encoder = try SentenceEncoder(directory: fixture.directory, options: options)
    #expect(encoder.dimension == 16 && encoder.descriptor.normalized)
    let vectors = try encoder.encode(fixture.inputs, role: .plain)
    #expect(maxDifference(vectors, fixture.rows("dimensions16")) < 1e-5)
    options.dimensions = 33
    #expect(throws: EmbeddingError.self) {
      try SentenceEncoder(directory: fixture.directory, options: options)
    }
  }

  @Test func descriptorAndSpans() throws {
    let fixture = try BertFixture("mean")
    let encoder = try SentenceEncoder(directory: fixture.directory)
    let d = encoder.descriptor
    #expect(d.kind == "transformer" && d.name == "mean" && d.dimension == 32 && d.pooling == "mean")
    #expect(d.normalized && d.fingerprint.count == 16)
    let other = try SentenceEncoder(directory: BertFixture("f16").directory).descriptor
    #expect(other.fingerprint != d.fingerprint)
    let text = "The cat sat on the mat."
    let spans = encoder.tokenSpans(of: text)
    let bytes = Array(text.utf8)
    #expect(
      spans.map { String(decoding: bytes[$0], as: UTF8.self) } == [
        "The", "cat", "sat", "on", "the", "mat", ".",
      ])
    let long = String(repeating: "the cat ", count: 40)
    #expect(encoder.tokenSpans(of: long).count == 80)
  }

  @Test func emptyAndOddInputsGiveVectors() throws {
    let encoder = try SentenceEncoder(directory: BertFixture("mean").directory)
    let odd = ["", "\u{0}\u{0}", String(repeating: "x", count: 1_000_000), "\u{FFFD}"]
    let vectors = try encoder.encode(odd, role: .plain)
    #expect(vectors.rows == 4)
    for r in 0..<4 {
      let norm = VectorKernels.norm(vectors.rowPointer(r), vectors.columns)
      #expect(abs(norm - 1) < 1e-5, "row \(r) has norm \(norm)")
    }
    #expect(try encoder.encode([], role: .plain).rows == 0)
  }
}
