import EmbeddingTestSupport
import EmbeddingCore
import Foundation
import Testing

@testable import Retrieval

@Suite struct ChunkerTests {
  let encoder = HashingEncoder()

  @Test func windowsRespectSizeAndOverlapAndCoverTheText() {
    let words = (0..<100).map { "w\($0)" }.joined(separator: " ")
    let spans = encoder.tokenSpans(of: words)
    let chunks = Chunker(options: ChunkingOptions(tokens: 20, overlap: 5)).chunks(
      of: words, spans: spans)
    #expect(chunks.count == 7)  // starts 0, 15, 30, 45, 60, 75, 90
    for c in chunks { #expect(encoder.tokenSpans(of: c.text).count <= 20) }
    #expect(chunks.first?.text.hasPrefix("w0 ") == true)
    #expect(chunks.last?.text.hasSuffix("w99") == true)
    #expect(chunks[1].text.hasPrefix("w15 "))  // 5 tokens of overlap with chunk 0 (w0…w19)
    #expect(chunks.map(\.index) == Array(0..<7))
  }

  @Test func cutsAtSentenceEndsInTheSecondHalf() {
    let text =
      "One two three four five six seven. Eight nine ten eleven twelve thirteen fourteen fifteen."
    let spans = encoder.tokenSpans(of: text)
    let chunks = Chunker(options: ChunkingOptions(tokens: 10, overlap: 0)).chunks(
      of: text, spans: spans)
    #expect(chunks[0].text == "One two three four five six seven.")
    #expect(chunks[1].text.hasPrefix("Eight"))
  }

  @Test func emptyAndShortTexts() {
    let chunker = Chunker(options: ChunkingOptions(tokens: 10, overlap: 2))
    #expect(chunker.chunks(of: "", spans: []).isEmpty)
    #expect(chunker.chunks(of: "  \n ", spans: []).isEmpty)
    let one = chunker.chunks(of: "Hello world.", spans: encoder.tokenSpans(of: "Hello world."))
    #expect(one.map(\.text) == ["Hello world."])
  }

  @Test func invalidOptionsAreRefused() {
    #expect(throws: EmbeddingError.self) { try ChunkingOptions(tokens: 4, overlap: 0).validate() }
    #expect(throws: EmbeddingError.self) { try ChunkingOptions(tokens: 64, overlap: 40).validate() }
  }
}
