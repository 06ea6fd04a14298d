import EmbeddingCore
import Foundation

/// Tagged documents read from text files: one document per line, tagged by its line number
/// (gensim's `TaggedLineDocument`), or JSON lines tagged by an id field (BEIR's `corpus.jsonl`).
///
/// ```swift
/// let lines = DocumentCorpus(paths: ["docs.txt"])                         // tags "0", "1", …
/// let beir = DocumentCorpus(paths: ["corpus.jsonl"], format: .jsonLines(
///   idField: "_id", textFields: ["title", "text"]))
/// ```
///
/// Documented behaviour on unusual input:
/// - An empty line (or a JSON text with no words) is still a document: it gets its tag and a
///   vector that no training step touches (it keeps its random start).
/// - Two documents with the same tag train ONE shared vector (as gensim).
/// - Line numbers count from 0 and continue across files.
/// - A JSON line that is not an object, or lacks the id field, is an error naming the line.
public struct DocumentCorpus: Sendable {
  /// How documents and their tags are stored.
  public enum Format: Sendable, Equatable {
    /// One document per line; its tag is the line number from 0.
    case lines
    /// One JSON object per line; the tag is `idField` (string or number) and the text is the
    /// `textFields` joined by a space (missing fields are empty).
    case jsonLines(idField: String, textFields: [String])
  }

  /// The files (plain, .gz or .xz).
  public var paths: [String]
  /// Lines or JSON lines.
  public var format: Format

  /// A corpus of `paths` in `format` (default: the format from the first path's extension,
  /// `.jsonl` meaning JSON lines with `_id` and `title` + `text`).
  public init(paths: [String], format: Format? = nil) {
    self.paths = paths
    let first = paths.first ?? ""
    let json = first.hasSuffix(".jsonl") || first.contains(".jsonl.")
    self.format =
      format ?? (json ? .jsonLines(idField: "_id", textFields: ["title", "text"]) : .lines)
  }

  /// Calls `body(tag, text bytes)` for every document, in file order.
  ///
  /// - Throws: `EmbeddingError.io` for unreadable files, `.malformed` for a bad JSON line, and
  ///   whatever `body` throws.
  /// - Complexity: O(corpus bytes); memory O(longest line).
  public func forEachDocument(_ body: (String, UnsafeRawBufferPointer) throws -> Void) throws {
    var number = 0
    for path in paths {
      let reader = try LineReader(path: path, maxLineBytes: 1 << 30)
      while let line = try reader.next() {
        defer { number += 1 }
        switch format {
        case .lines:
          try line.bytes.withUnsafeBytes { try body(String(number), $0) }
        case .jsonLines(let idField, let textFields):
          if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
          let object: Any
          do { object = try JSONSerialization.jsonObject(with: Data(line.bytes)) } catch {
            throw EmbeddingError.malformed(
              path: path, location: "line \(line.number)", reason: "not valid JSON")
          }
          guard let dict = object as? [String: Any] else {
            throw EmbeddingError.malformed(
              path: path, location: "line \(line.number)", reason: "not a JSON object")
          }
          let tag: String
          if let s = dict[idField] as? String {
            tag = s
          } else if let n = dict[idField] as? NSNumber {
            tag = n.stringValue
          } else {
            throw EmbeddingError.malformed(
              path: path, location: "line \(line.number)",
              reason: "no '\(idField)' field (choose the id field with --id-field)")
          }
          var text = textFields.compactMap { dict[$0] as? String }.joined(separator: " ")
          try text.withUTF8 { try body(tag, UnsafeRawBufferPointer($0)) }
        }
      }
    }
  }
}
