import EmbeddingCore
import Foundation

/// Reads OpenAI's original GPT-2 vocabulary: `encoder.json` (token → ID) and `vocab.bpe`
/// (the merge rules), in GPT-2's byte-to-unicode alphabet.
///
/// ```swift
/// let ranks = try GPT2VocabularyFiles.read(encoderJSON: "gpt2/encoder.json", vocabBPE: "gpt2/vocab.bpe")
/// ```
public enum GPT2VocabularyFiles {
  /// The 50,256 mergeable ranks of GPT-2 (the special `<|endoftext|>` is left out).
  ///
  /// The IDs come from `encoder.json`; every merge rule of `vocab.bpe` is checked against
  /// them (rule k must produce ID 255 + k), as tiktoken does.
  /// - Throws: `EmbeddingError.malformed` naming the file and line (for `vocab.bpe`) or entry.
  public static func read(encoderJSON: String, vocabBPE: String) throws -> [(
    bytes: [UInt8], rank: Int
  )] {
    let jsonBytes = try ByteStream.readAll(path: encoderJSON)
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(jsonBytes))
    } catch {
      let lines = jsonBytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
      throw EmbeddingError.malformed(
        path: encoderJSON, location: "line \(lines)",
        reason: "not valid JSON (\(error.localizedDescription)); is the file truncated?")
    }
    guard let encoder = object as? [String: Any] else {
      throw EmbeddingError.malformed(
        path: encoderJSON, location: "line 1", reason: "expected a JSON object token → ID")
    }
    var ranks: [(bytes: [UInt8], rank: Int)] = []
    var byBytes: [[UInt8]: Int] = [:]
    for (key, value) in encoder {
      if key == "<|endoftext|>" || key == "<|startoftext|>" { continue }
      guard let id = value as? Int, let bytes = decode(key) else {
        throw EmbeddingError.malformed(
          path: encoderJSON, location: "entry \"\(key)\"",
          reason: "expected a GPT-2 byte-alphabet token with an integer ID")
      }
      ranks.append((bytes, id))
      byBytes[bytes] = id
    }
    // Check the merges.
    let merges = String(decoding: try ByteStream.readAll(path: vocabBPE), as: UTF8.self)
    let lines = merges.split(separator: "\n", omittingEmptySubsequences: false)
    var rule = 0
    for (index, line) in lines.enumerated() {
      if index == 0 && line.hasPrefix("#version") { continue }
      if line.isEmpty { continue }
      let parts = line.split(separator: " ")
      guard parts.count == 2, let first = decode(String(parts[0])),
        let second = decode(String(parts[1]))
      else {
        throw EmbeddingError.malformed(
          path: vocabBPE, location: "line \(index + 1)", reason: "expected two tokens 'left right'")
      }
      let expected = 256 + rule
      guard byBytes[first + second] == expected else {
        throw EmbeddingError.malformed(
          path: vocabBPE, location: "line \(index + 1)",
          reason: "merge '\(line)' should give ID \(expected) but \(encoderJSON) "
            + "says \(byBytes[first + second].map(String.init) ?? "nothing")")
      }
      rule += 1
    }
    guard rule == ranks.count - 256 else {
      throw EmbeddingError.malformed(
        path: vocabBPE, location: "line \(lines.count)",
        reason: "\(rule) merge rules but \(encoderJSON) has \(ranks.count - 256) merged tokens "
          + "(is one of the files truncated?)")
    }
    return ranks
  }

  /// The bytes a GPT-2 alphabet string stands for, or nil for a character outside it.
  static func decode(_ token: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    for scalar in token.unicodeScalars {
      guard let b = GPT2ByteSpelling.byte(of: scalar) else { return nil }
      bytes.append(b)
    }
    return bytes.isEmpty ? nil : bytes
  }
}
