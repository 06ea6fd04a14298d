import EmbeddingCore
import Foundation

/// The SIF model file.
///
/// Layout (little-endian), version 1:
/// ```
/// magic          8 bytes  "EKSIFMDL"
/// version        UInt32   1
/// normalization  UInt32   0 none, 1 lowercase, 2 text8
/// a              Float64
/// rows V         UInt64   (rows of the word vectors)
/// dimension d    UInt64
/// corpusWords    UInt64
/// componentLines UInt64
/// fingerprint    UInt32 length + UTF-8 (of the word vectors)
/// vectorsPath    UInt32 length + UTF-8 (a hint; may be empty)
/// component      d × Float32
/// weights        V × Float32
/// trailer        8 bytes  "EKSIFEND"
/// ```
/// Files of a newer version are rejected with a message saying so.
extension SIFModel {
  static let fileMagic = Array("EKSIFMDL".utf8)
  static let fileTrailer = Array("EKSIFEND".utf8)
  static let fileVersion: UInt32 = 1

  /// Saves the model atomically (a crash mid-save leaves any previous file intact).
  ///
  /// - Throws: `EmbeddingError.io` if the file cannot be written.
  /// - Complexity: O(V + d).
  public func save(to path: String) throws {
    try AtomicFile.write(to: path) { out in
      try out.write(Self.fileMagic)
      try out.writeValue(Self.fileVersion)
      try out.writeValue(normalization.code)
      try out.writeValue(a)
      try out.writeValue(UInt64(weights.count))
      try out.writeValue(UInt64(component.count))
      try out.writeValue(UInt64(corpusWords))
      try out.writeValue(UInt64(componentLines))
      try out.writeString(vectorsFingerprint)
      try out.writeString(vectorsPath)
      try component.withUnsafeBufferPointer { try out.writeFloats($0) }
      try weights.withUnsafeBufferPointer { try out.writeFloats($0) }
      try out.write(Self.fileTrailer)
    }
  }

  /// Loads a model saved by `save(to:)`.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable; `.malformed(path, "byte N", reason)` if it is
  ///   not a SIF model, is truncated or damaged, or is of a newer version.
  /// - Complexity: O(file size).
  public static func load(from path: String) throws -> SIFModel {
    try BinaryFileReader.withFile(path: path) { reader in
      try reader.expectTag(
        fileMagic,
        reason: "not an EmbeddingKit SIF model (no EKSIFMDL header); fit one with `embed sif fit`")
      let version: UInt32 = try reader.value()
      guard version <= fileVersion else {
        throw EmbeddingError.malformed(
          path: path, location: "byte 8",
          reason: "SIF model version \(version) is newer than this EmbeddingKit reads "
            + "(\(fileVersion)); update EmbeddingKit")
      }
      let code: UInt32 = try reader.value()
      guard let normalization = WordSplitter.Normalization(code: code) else {
        throw EmbeddingError.malformed(
          path: path, location: "byte 12", reason: "unknown word normalisation \(code)")
      }
      let a: Double = try reader.value()
      guard a > 0 && a.isFinite else {
        throw EmbeddingError.malformed(path: path, location: "byte 16", reason: "bad a \(a)")
      }
      let limit = reader.bytes.count / 4
      let rows = try reader.count(limit: limit, what: "row count")
      let d = try reader.count(limit: limit, what: "dimension")
      let corpusWords = try reader.count(limit: Int.max, what: "corpus word count")
      let lines = try reader.count(limit: Int.max, what: "line count")
      let fingerprint = try reader.string()
      let vectorsPath = try reader.string()
      let component = try reader.floats(d)
      let weights = try reader.floats(rows)
      try reader.expectTag(fileTrailer, reason: "missing EKSIFEND trailer (file damaged?)")
      return SIFModel(
        a: a, normalization: normalization, weights: weights, component: component,
        vectorsFingerprint: fingerprint, vectorsPath: vectorsPath, corpusWords: corpusWords,
        componentLines: lines)
    }
  }
}
