import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Tokenization

/// The examples of chapter 2 of *Build a Large Language Model (From Scratch)*.
@Suite struct WordTokenizerTests {
  @Test func splitsLikeTheBook() {
    #expect(
      WordTokenizer.split("Hello, world. Is this-- a test?") == [
        "Hello", ",", "world", ".", "Is", "this", "--", "a", "test", "?",
      ])
    #expect(WordTokenizer.split("a---b  c\t\nd_e") == ["a", "--", "-b", "c", "d", "_", "e"])
    #expect(WordTokenizer.split("") == [])
    #expect(WordTokenizer.split("  \n ") == [])
  }

  @Test func unknownWordsAndEndOfText() throws {
    let vocabulary = Vocabulary(
      buildingFrom: "Hello , do you like tea ? In the sunlit terraces of the palace .")
    let tokenizer = WordTokenizer(vocabulary: vocabulary)
    let text = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace."
    let ids = try tokenizer.encode(text)
    #expect(ids.contains(vocabulary.endOfTextID!))
    #expect(try tokenizer.decode(ids) == text)
    let unknown = try tokenizer.encode("Hello, do you like coffee?")
    #expect(unknown[5] == vocabulary.unknownID)
    #expect(try tokenizer.decode(unknown) == "Hello, do you like <|unk|>?")
    let strict = WordTokenizer(vocabulary: try Vocabulary(tokens: ["a"]))
    #expect(throws: EmbeddingError.outOfVocabulary(word: "b", suggestions: [])) {
      try strict.encode("a b")
    }
  }

  @Test(
    .enabled(
      if: SharedData.has("corpus/the-verdict.txt"), "needs ../shared/data/corpus/the-verdict.txt"))
  func theVerdictVocabularyMatchesTheBook() throws {
    let path = try #require(SharedData.path("corpus/the-verdict.txt"))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let tokens = WordTokenizer.split(text)
    #expect(tokens.count == 4690)  // the book: 4690 tokens
    let vocabulary = Vocabulary(buildingFrom: text)
    #expect(vocabulary.count == 1132)  // 1130 words + <|endoftext|> + <|unk|>
    #expect(vocabulary.id(of: "!") == 0 && vocabulary.id(of: "\"") == 1)
    let tokenizer = WordTokenizer(vocabulary: vocabulary)
    let passage = """
      "It's the last he painted, you know," Mrs. Gisburn said with pardonable pride.
      """
    let ids = try tokenizer.encode(passage)
    #expect(
      ids == [
        1, 56, 2, 850, 988, 602, 533, 746, 5, 1126, 596, 5, 1, 67, 7, 38, 851, 1108, 754, 793, 7,
      ])
    #expect(
      try tokenizer.decode(ids)
        == "\" It\' s the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.")
  }
}
