import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 1: text → tokens → token IDs, as chapter 2 of the book does it, on "The Verdict".
  ///
  /// Writes `<output>/vocabulary.txt` (the word-level vocabulary, one token per line).
  func tokenizationStep() throws {
    Terminal.heading("1. Text -> tokens -> token IDs")
    guard
      let url = Bundle.module.url(
        forResource: "the-verdict", withExtension: "txt", subdirectory: "Resources")
    else {
      throw EmbeddingError.io(path: "the-verdict.txt", reason: "missing from the embed bundle")
    }
    let verdict = try String(contentsOf: url, encoding: .utf8)
    print("\"The Verdict\" (Edith Wharton, 1908): \(verdict.count) characters.")
    let passage = (verdict.components(separatedBy: " to hear").first ?? "") + "."
    print("Passage: \(passage.debugDescription)\n")

    // The word-level tokenizer and its vocabulary.
    let words = WordTokenizer.split(verdict)
    let vocabulary = Vocabulary(buildingFrom: verdict)
    let vocabularyPath = (outputDirectory as NSString).appendingPathComponent("vocabulary.txt")
    try vocabulary.save(to: vocabularyPath)
    print(
      "Word tokenizer: \(words.count) tokens, a vocabulary of \(vocabulary.count) "
        + "(with <|endoftext|>, <|unk|>; saved to \(vocabularyPath)).")
    let tokenizer = WordTokenizer(vocabulary: vocabulary)
    let passageWords = WordTokenizer.split(passage)
    print("  tokens: " + passageWords.map { "\"\($0)\"" }.joined(separator: " "))
    print("  IDs:    " + (try tokenizer.encode(passage)).map(String.init).joined(separator: " "))
    let unseen = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace."
    let unseenIDs = try tokenizer.encode(unseen)
    print("  unknown words and a document boundary: \(unseen.debugDescription)")
    print("    IDs: " + unseenIDs.map(String.init).joined(separator: " "))
    print("    decoded: \(try tokenizer.decode(unseenIDs).debugDescription)\n")

    // Byte-level BPE, identical to tiktoken.
    let gpt2 = try BytePairEncoder.named(.gpt2)
    let ids = try gpt2.encode(passage)
    print("GPT-2 byte-pair encoding (tiktoken-identical), \(gpt2.vocabularySize) token IDs:")
    print(
      "  tokens: "
        + (try ids.map { "\"\(String(decoding: try gpt2.tokenBytes($0), as: UTF8.self))\"" })
        .joined(separator: " "))
    print("  IDs:    " + ids.map(String.init).joined(separator: " "))
    let made = "Akwirw ier"
    let madeIDs = try gpt2.encode(made)
    print(
      "  an unknown word is split into known pieces: \(made.debugDescription) -> "
        + (try madeIDs.map {
          "\(String(decoding: try gpt2.tokenBytes($0), as: UTF8.self).debugDescription)=\($0)"
        })
        .joined(separator: " "))
    print("  the whole story: \(try gpt2.countTokens(verdict)) GPT-2 tokens")
    for name in [EncodingName.cl100k_base, .o200k_base] {
      let encoder = try BytePairEncoder.named(name)
      print("  \(name.rawValue): \(try encoder.countTokens(verdict)) tokens")
    }
    print(
      "Try: embed tokenize --tokens \"Your own text\"   (--encoding cl100k_base, o200k_base, words)"
    )
  }
}
