/// What a loader recovered from while reading a file, for the caller to report.
///
/// ```swift
/// let wv = try WordVectors.load(contentsOf: "vectors.txt")
/// if wv.loadReport.droppedDuplicates > 0 { print(wv.loadReport) }
/// ```
public struct LoadReport: Sendable, Equatable, CustomStringConvertible {
  /// Rows dropped because their word appeared earlier (the first row is kept).
  public var droppedDuplicates = 0
  /// The first few dropped duplicate words, for the message.
  public var duplicateExamples: [String] = []
  /// Words whose invalid UTF-8 bytes were replaced with U+FFFD.
  public var replacedInvalidUTF8 = 0

  /// An empty report.
  public init() {}

  /// Whether the file loaded without any recovery.
  public var isClean: Bool { droppedDuplicates == 0 && replacedInvalidUTF8 == 0 }

  public var description: String {
    var parts: [String] = []
    if droppedDuplicates > 0 {
      parts.append(
        "dropped \(droppedDuplicates) duplicate word(s), keeping the first row of each "
          + "(e.g. \(duplicateExamples.map { "'\($0)'" }.joined(separator: ", ")))")
    }
    if replacedInvalidUTF8 > 0 {
      parts.append("replaced invalid UTF-8 in \(replacedInvalidUTF8) word(s) with U+FFFD")
    }
    return parts.isEmpty ? "clean" : parts.joined(separator: "; ")
  }
}
