// Which special tokens a call allows or forbids, like tiktoken's allowed_special/disallowed_special.

/// A set of special-token names, or all of them.
///
/// ```swift
/// try encoder.encode("a<|endoftext|>b", allowedSpecial: .all)
/// try encoder.encode("a<|endoftext|>b", allowedSpecial: ["<|endoftext|>"])
/// try encoder.encode("a<|endoftext|>b", disallowedSpecial: .none)  // as ordinary text
/// ```
public enum SpecialTokenSet: Sendable, Equatable, ExpressibleByArrayLiteral {
  /// Every special token of the encoding.
  case all
  /// These tokens (by their text, for example `"<|endoftext|>"`).
  case some(Set<String>)

  /// No special token.
  public static let none = SpecialTokenSet.some([])

  /// A set from a literal list of names.
  public init(arrayLiteral elements: String...) {
    self = .some(Set(elements))
  }

  /// The names in the set, given all the encoding's special tokens.
  func resolve(_ allNames: Set<String>) -> Set<String> {
    switch self {
    case .all: return allNames
    case .some(let names): return names
    }
  }
}
