import EmbeddingCore
import Testing

@testable import Tokenization

@Suite struct PreTokenizerTests {
  @Test func gpt2Pieces() {
    #expect(
      PreTokenizer.gpt2.split("Hello world's   end!!\n") == [
        "Hello", " world", "'s", "  ", " end", "!!", "\n",
      ])
    #expect(PreTokenizer.gpt2.split("IT'S 12345") == ["IT", "'", "S", " 12345"])
  }

  @Test func cl100kPieces() {
    #expect(PreTokenizer.cl100k.split("IT'S 12345") == ["IT", "'S", " ", "123", "45"])
    #expect(PreTokenizer.cl100k.split("a\n\n  b") == ["a", "\n\n", " ", " b"])
    #expect(PreTokenizer.cl100k.split("(hello)\n") == ["(hello", ")\n"])
    #expect(PreTokenizer.cl100k.split("x  ") == ["x", "  "])
  }

  @Test func o200kPieces() {
    #expect(PreTokenizer.o200k.split("HTTPServer camelCase") == ["HTTPServer", " camel", "Case"])
    #expect(PreTokenizer.o200k.split("don't DON'T") == ["don't", " DON'T"])
    #expect(PreTokenizer.o200k.split("中A b") == ["中", "A", " b"])
    #expect(PreTokenizer.o200k.split("a/b//\nc") == ["a", "/b", "//\n", "c"])
    #expect(PreTokenizer.o200k.split("x\n  ") == ["x", "\n", "  "])
  }

  @Test func everyByteBelongsToOnePiece() {
    var generator = SeededGenerator(seed: 3)
    for pattern in PreTokenizer.allCases {
      for _ in 0..<200 {
        let bytes = (0..<Int(generator.next() % 64)).map { _ in
          UInt8(truncatingIfNeeded: generator.next())
        }
        let ranges = pattern.split(bytes: bytes)
        var expectedStart = 0
        for range in ranges {
          #expect(range.lowerBound == expectedStart && !range.isEmpty)
          expectedStart = range.upperBound
        }
        #expect(expectedStart == bytes.count)
      }
    }
  }
}
