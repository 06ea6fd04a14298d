import EmbeddingCore

/// The book's first tokenizer: split text into words and punctuation, map them to IDs with a
/// `Vocabulary`, and back.
///
/// Splitting follows `re.split(r'([,.:;?_!"()\']|--|\s)', text)` from chapter 2 of *Build a
/// Large Language Model (From Scratch)*: each of `, . : ; ? _ ! " ( ) '` and `--` is a token,
/// whitespace separates tokens and is dropped, everything else forms words.
///
/// ```swift
/// WordTokenizer.split("Hello, world. Is this-- a test?")
/// // ["Hello", ",", "world", ".", "Is", "this", "--", "a", "test", "?"]
/// let vocabulary = Vocabulary(buildingFrom: text)
/// let tokenizer = WordTokenizer(vocabulary: vocabulary)
/// let ids = try tokenizer.encode("Hello, world.")
/// try tokenizer.decode(ids)  // "Hello, world."
/// ```
public struct WordTokenizer: Sendable {
  /// Token ⇄ ID map used by `encode` and `decode`.
  public let vocabulary: Vocabulary

  /// A tokenizer over `vocabulary`.
  public init(vocabulary: Vocabulary) {
    self.vocabulary = vocabulary
  }

  /// Token IDs of `text`.
  ///
  /// Words missing from the vocabulary become `<|unk|>` if the vocabulary has it.
  ///
  /// - Throws: `EmbeddingError.outOfVocabulary` for an unknown word when there is no `<|unk|>`.
  /// - Complexity: O(n) in the length of `text`.
  public func encode(_ text: String) throws -> [Int] {
    try Self.split(text).map { token in
      if let id = vocabulary.id(of: token) { return id }
      if let unknown = vocabulary.unknownID { return unknown }
      throw EmbeddingError.outOfVocabulary(word: token, suggestions: [])
    }
  }

  /// The text of `ids`, joined with the book's spacing rules (see `join(_:)`).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for an ID outside the vocabulary.
  public func decode(_ ids: [Int]) throws -> String {
    Self.join(
      try ids.map { id in
        guard let token = vocabulary.token(for: id) else {
          throw EmbeddingError.invalidArgument(
            "token ID \(id) is not in the vocabulary (IDs 0..<\(vocabulary.count))")
        }
        return token
      })
  }

  /// Splits text into words and punctuation, dropping whitespace.
  ///
  /// - Complexity: O(n) in the number of Unicode scalars.
  public static func split(_ text: String) -> [String] {
    var tokens: [String] = []
    var word = String.UnicodeScalarView()
    func flush() {
      if !word.isEmpty {
        tokens.append(String(word))
        word = String.UnicodeScalarView()
      }
    }
    let scalars = Array(text.unicodeScalars)
    var i = 0
    while i < scalars.count {
      let scalar = scalars[i]
      if scalar == "-" && i + 1 < scalars.count && scalars[i + 1] == "-" {
        flush()
        tokens.append("--")
        i += 2
        continue
      }
      if isPunctuation(scalar) {
        flush()
        tokens.append(String(scalar))
      } else if isWhitespace(scalar) {
        flush()
      } else {
        word.append(scalar)
      }
      i += 1
    }
    flush()
    return tokens
  }

  /// Joins tokens with spaces, then removes the space before `, . ? ! " ( ) '` (the book's
  /// `re.sub(r'\s+([,.?!"()\'])', r'\1', text)`).
  public static func join(_ tokens: [String]) -> String {
    var text = ""
    for (index, token) in tokens.enumerated() {
      if index > 0, !(token.unicodeScalars.first.map(attachesToPrevious) ?? false) {
        text += " "
      }
      text += token
    }
    return text
  }

  /// `, .
  ///
  /// : ; ? _ ! " ( ) '`
  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case ",", ".", ":", ";", "?", "_", "!", "\"", "(", ")", "'": return true
    default: return false
    }
  }

  /// Python's `\s` for str patterns: Unicode White_Space plus the separators U+001C–U+001F.
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
  }

  static func attachesToPrevious(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case ",", ".", "?", "!", "\"", "(", ")", "'": return true
    default: return false
    }
  }
}
