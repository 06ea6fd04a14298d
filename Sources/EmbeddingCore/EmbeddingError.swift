import Foundation

/// The error type that every EmbeddingKit library API throws.
///
/// Each case carries enough context (file, line or byte offset, the offending value)
/// for the command line to print one clear line, and, where there is one, the remedy.
///
/// ```swift
/// do { _ = try Matrix(rows: -1, columns: 3) }
/// catch let error as EmbeddingError { print(error) }  // invalid argument: rows must be >= 0
/// ```
public enum EmbeddingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A file could not be opened, read or written.
  case io(path: String, reason: String)
  /// A file's content is not what its format requires. `location` is "line N" or "byte N".
  case malformed(path: String, location: String, reason: String)
  /// An argument is out of its valid range or inconsistent with another.
  case invalidArgument(String)
  /// A word or token is not in the vocabulary; `suggestions` are near spellings, if any.
  case outOfVocabulary(word: String, suggestions: [String])
  /// The text contains a special token that the caller did not allow.
  case disallowedSpecialToken(String)
  /// The operation was cancelled by the caller.
  case cancelled
  /// The requested allocation is larger than the caller allowed or the machine can hold.
  case outOfMemory(requestedBytes: Int, reason: String)

  public var description: String {
    switch self {
    case .io(let path, let reason):
      return "\(path): \(reason)"
    case .malformed(let path, let location, let reason):
      return "\(path):\(location): \(reason)"
    case .invalidArgument(let message):
      return "invalid argument: \(message)"
    case .outOfVocabulary(let word, let suggestions):
      let hint =
        suggestions.isEmpty ? "" : " (did you mean \(suggestions.joined(separator: ", "))?)"
      return "word '\(word)' is not in the vocabulary\(hint)"
    case .disallowedSpecialToken(let token):
      return """
        the text contains the special token '\(token)', which is not allowed. \
        Allow it (allowedSpecial: ["\(token)"] / --allow-special), allow all special tokens \
        (allowedSpecial: .all / --allow-special all), or encode it as ordinary text \
        (disallowedSpecial: .none / --special-as-text)
        """
    case .cancelled:
      return "cancelled"
    case .outOfMemory(let bytes, let reason):
      return "cannot allocate \(ByteCount.format(bytes)): \(reason)"
    }
  }
}

/// Human-readable byte counts (`1.5 GiB`).
public enum ByteCount {
  /// Formats a byte count with a binary unit: `format(1536) == "1.5 KiB"`.
  public static func format(_ bytes: Int) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
  }
}
