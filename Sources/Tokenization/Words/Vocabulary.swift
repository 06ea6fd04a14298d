import EmbeddingCore

/// A token ⇄ ID map for word-level tokens, with the special tokens `<|unk|>` and `<|endoftext|>`.
///
/// Built from text as the book does (sorted unique tokens, then the special tokens), or loaded
/// from a file with one token per line (line N holds ID N − 1).
///
/// ```swift
/// let vocabulary = Vocabulary(buildingFrom: "the cat sat on the mat.")
/// vocabulary.id(of: "cat")                 // 1
/// vocabulary.id(of: Vocabulary.endOfText)  // 6
/// vocabulary.unknownID                     // 7
/// ```
public struct Vocabulary: Sendable, Equatable {
  /// Stands for every word that is not in the vocabulary.
  public static let unknown = "<|unk|>"
  /// Separates independent documents.
  public static let endOfText = "<|endoftext|>"

  /// The tokens in ID order.
  public let tokens: [String]
  private let ids: [String: Int]

  /// A vocabulary with these tokens, in ID order.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if a token is empty or given twice.
  public init(tokens: [String]) throws {
    var ids: [String: Int] = [:]
    ids.reserveCapacity(tokens.count)
    for (id, token) in tokens.enumerated() {
      guard !token.isEmpty else {
        throw EmbeddingError.invalidArgument("token \(id) is empty")
      }
      guard ids.updateValue(id, forKey: token) == nil else {
        throw EmbeddingError.invalidArgument("token '\(token)' is given twice (ID \(id))")
      }
    }
    self.tokens = tokens
    self.ids = ids
  }

  /// The book's vocabulary of `text`: its unique word-tokenizer tokens sorted by code point,
  /// then `specialTokens` (by default `<|endoftext|>`, `<|unk|>`) if not already present.
  ///
  /// - Complexity: O(n log n) in the number of tokens.
  public init(buildingFrom text: String, specialTokens: [String] = [endOfText, unknown]) {
    var unique = Set(WordTokenizer.split(text))
    var tokens = unique.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    for special in specialTokens where unique.insert(special).inserted {
      tokens.append(special)
    }
    // The tokens are unique and non-empty by construction.
    var ids: [String: Int] = [:]
    for (id, token) in tokens.enumerated() { ids[token] = id }
    self.tokens = tokens
    self.ids = ids
  }

  /// The number of tokens.
  public var count: Int { tokens.count }

  /// The ID of `token`, or nil.
  public func id(of token: String) -> Int? { ids[token] }

  /// The token with ID `id`, or nil.
  public func token(for id: Int) -> String? {
    id >= 0 && id < tokens.count ? tokens[id] : nil
  }

  /// The ID of `<|unk|>`, if the vocabulary has it.
  public var unknownID: Int? { ids[Self.unknown] }

  /// The ID of `<|endoftext|>`, if the vocabulary has it.
  public var endOfTextID: Int? { ids[Self.endOfText] }

  public static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.tokens == b.tokens }
}
