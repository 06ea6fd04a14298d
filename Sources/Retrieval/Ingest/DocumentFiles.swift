import EmbeddingCore
import Foundation

/// Reads documents from JSON lines (BEIR's corpus.jsonl), plain text or Markdown files and folders.
///
/// A JSON line holds `id` (or BEIR's `_id`), optional `title`, `text`, and any other keys, kept as
/// metadata (a `metadata` object is merged in; non-string values keep their JSON text). A text or
/// Markdown file is one document whose id is its path and whose title is its first line. `.gz` and
/// `.xz` files are decompressed.
///
/// ```swift
/// let docs = try DocumentFiles.read(paths: ["corpus.jsonl.xz", "notes/"])
/// ```
public enum DocumentFiles {
  /// File name endings read as text documents when a folder is walked.
  public static let textExtensions: Set<String> = ["txt", "md", "markdown", "text", "rst"]

  /// All documents in `paths` (files or folders, walked in sorted order).
  public static func read(paths: [String]) throws(EmbeddingError) -> [RetrievalDocument] {
    var out: [RetrievalDocument] = []
    for path in paths {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw .io(path: path, reason: "no such file or folder")
      }
      if isDir.boolValue {
        for file in walk(path) { out += try readFile(file) }
      } else {
        out += try readFile(path)
      }
    }
    return out
  }

  /// Files under `folder` with a text or JSON-lines ending, sorted.
  static func walk(_ folder: String) -> [String] {
    guard let e = FileManager.default.enumerator(atPath: folder) else { return [] }
    var files: [String] = []
    while let rel = e.nextObject() as? String {
      let full = (folder as NSString).appendingPathComponent(rel)
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue
      else { continue }
      if isJSONLines(full) || textExtensions.contains(baseExtension(full)) { files.append(full) }
    }
    return files.sorted()
  }

  static func baseExtension(_ path: String) -> String {
    var name = (path as NSString).lastPathComponent.lowercased()
    for c in [".gz", ".xz"] where name.hasSuffix(c) { name.removeLast(c.count) }
    return (name as NSString).pathExtension
  }

  static func isJSONLines(_ path: String) -> Bool {
    ["jsonl", "ndjson"].contains(baseExtension(path))
  }

  /// The documents of one file.
  public static func readFile(_ path: String) throws(EmbeddingError) -> [RetrievalDocument] {
    if isJSONLines(path) {
      var docs: [RetrievalDocument] = []
      do {
        let reader = try LineReader(path: path)
        while let line = try reader.next() {
          if line.bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
          docs.append(try parseJSONLine(Data(line.bytes), path: path, line: line.number))
        }
      } catch let error as EmbeddingError {
        throw error
      } catch {
        throw .io(path: path, reason: "\(error)")
      }
      return docs
    }
    let bytes: [UInt8]
    do {
      bytes = try ByteStream.readAll(path: path)
    } catch let error as EmbeddingError {
      throw error
    } catch {
      throw .io(path: path, reason: "\(error)")
    }
    return [textDocument(String(decoding: bytes, as: UTF8.self), id: path)]
  }

  /// A text document: the first non-empty line (without Markdown `#`) is the title.
  public static func textDocument(_ text: String, id: String) -> RetrievalDocument {
    let firstLine =
      text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
    var title = firstLine.trimmingCharacters(in: .whitespaces)
    while title.hasPrefix("#") { title.removeFirst() }
    title = title.trimmingCharacters(in: .whitespaces)
    if title.count > 200 { title = "" }
    return RetrievalDocument(
      id: id, title: "", text: text, metadata: title.isEmpty ? [:] : ["heading": title])
  }

  /// Parses one JSON line into a document.
  public static func parseJSONLine(_ data: Data, path: String, line: Int) throws(EmbeddingError)
    -> RetrievalDocument
  {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw .malformed(path: path, location: "line \(line)", reason: "not a JSON object")
    }
    guard let idValue = object["_id"] ?? object["id"] else {
      throw .malformed(path: path, location: "line \(line)", reason: "no \"id\" (or \"_id\") key")
    }
    let id = (idValue as? String) ?? "\(idValue)"
    let title = (object["title"] as? String) ?? ""
    guard let text = object["text"] as? String else {
      throw .malformed(path: path, location: "line \(line)", reason: "no \"text\" string")
    }
    var metadata: [String: String] = [:]
    for (key, value) in object where !["_id", "id", "title", "text"].contains(key) {
      if key == "metadata", let nested = value as? [String: Any] {
        for (k, v) in nested { metadata[k] = stringValue(v) }
      } else {
        metadata[key] = stringValue(value)
      }
    }
    return RetrievalDocument(id: id, title: title, text: text, metadata: metadata)
  }

  static func stringValue(_ value: Any) -> String {
    if let s = value as? String { return s }
    if JSONSerialization.isValidJSONObject(value),
      let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    {
      return String(decoding: data, as: UTF8.self)
    }
    if let data = try? JSONSerialization.data(withJSONObject: [value], options: []) {
      let s = String(decoding: data, as: UTF8.self)
      return String(s.dropFirst().dropLast())
    }
    return "\(value)"
  }
}
