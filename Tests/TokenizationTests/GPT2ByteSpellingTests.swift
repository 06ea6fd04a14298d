import Testing

@testable import Tokenization

@Suite struct GPT2ByteSpellingTests {
  @Test func spellingMatchesEncoderJSON() {
    #expect(GPT2ByteSpelling.spell(Array(" the".utf8)) == "Ġthe")
    #expect(GPT2ByteSpelling.spell(Array("\n".utf8)) == "Ċ")
    #expect(GPT2ByteSpelling.spell(Array("Hello!".utf8)) == "Hello!")
    #expect(GPT2ByteSpelling.spell(Array("é".utf8)) == "Ã©")  // bytes C3 A9
    #expect(GPT2ByteSpelling.spell([0]) == "Ā")
    #expect(GPT2ByteSpelling.spell([0xAD]) == "Ń")  // soft hyphen, the last shifted byte
  }

  @Test func everyByteReadsBack() {
    var scalars = Set<Unicode.Scalar>()
    for b in 0...255 {
      let spelled = GPT2ByteSpelling.spell([UInt8(b)])
      let scalar = spelled.unicodeScalars.first!
      #expect(spelled.unicodeScalars.count == 1)
      #expect(GPT2ByteSpelling.byte(of: scalar) == UInt8(b))
      scalars.insert(scalar)
    }
    #expect(scalars.count == 256)
    #expect(GPT2ByteSpelling.byte(of: " ") == nil)
  }
}

@Suite struct SparseRankTests {
  @Test func aFarRankIsRejectedBeforeAllocatingForIt() {
    // 256 byte tokens plus one at rank 9,999,999,999 (a damaged file): an error, not 80 GB.
    var ranks: [(bytes: [UInt8], rank: Int)] = (0..<256).map { ([UInt8($0)], $0) }
    ranks.append((Array("ab".utf8), 9_999_999_999 % Int(UInt32.max - 1)))
    #expect {
      _ = try BytePairEncoder(name: "x", preTokenizer: .gpt2, ranks: ranks, specialTokens: [:])
    } throws: { "\($0)".contains("far beyond") }
    // A small gap is fine.
    ranks[256] = (Array("ab".utf8), 300)
    #expect(throws: Never.self) {
      _ = try BytePairEncoder(name: "x", preTokenizer: .gpt2, ranks: ranks, specialTokens: [:])
    }
  }
}
