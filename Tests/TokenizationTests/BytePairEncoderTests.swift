import EmbeddingCore
import Testing

@testable import Tokenization

@Suite struct BytePairEncoderTests {
  @Test func gpt2HelloWorld() throws {
    let gpt2 = try BytePairEncoder.named(.gpt2)
    #expect(try gpt2.encode("hello world") == [31373, 995])
  }
}
