import Foundation

/// The words BM25 counts: lower-cased runs of letters and digits, as SQLite FTS5's `unicode61`
/// tokenizer cuts them, minus a small English stop-list (Lucene's 33 words).
///
/// ```swift
/// LexicalTokenizer.terms("The cat's 2 hats")   // ["cat", "s", "2", "hats"]
/// ```
public enum LexicalTokenizer {
  /// Lucene's default English stop words (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`).
  public static let stopWords: Set<String> = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they",
    "this", "to", "was", "will", "with",
  ]

  /// All words of `text`, lower-cased, in order, stop words included.
  /// - Complexity: O(n) in the length of `text`.
  public static func words(_ text: String) -> [String] {
    var out: [String] = []
    var current = ""
    for scalar in text.unicodeScalars {
      if isWordScalar(scalar) {
        current.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
      } else if !current.isEmpty {
        out.append(current)
        current = ""
      }
    }
    if !current.isEmpty { out.append(current) }
    return out
  }

  /// The words of `text` that BM25 scores: `words(text)` without stop words.
  public static func terms(_ text: String) -> [String] {
    words(text).filter { !stopWords.contains($0) }
  }

  /// Whether FTS5's unicode61 tokenizer keeps `s` inside a token (letters, digits, private use).
  static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
    if s.isASCII {
      let v = s.value
      return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122)
    }
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .decimalNumber, .letterNumber, .otherNumber, .privateUse:
      return true
    default:
      return false
    }
  }
}
