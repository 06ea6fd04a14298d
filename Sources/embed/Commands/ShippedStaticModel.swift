import EmbeddingKit
import Foundation

/// The static model that ships with `embed` (Resources/all-MiniLM-L6-v2-static.eks.xz): distilled
/// from all-MiniLM-L6-v2 by `embed distill` (see Resources/SOURCES.md), so sentence vectors work
/// with no model download.
enum ShippedStaticModel {
  /// The file's name in the bundle.
  static let fileName = "all-MiniLM-L6-v2-static.eks.xz"

  /// The path of the shipped file.
  static func path() throws -> String {
    guard
      let url = Bundle.module.url(
        forResource: "all-MiniLM-L6-v2-static.eks", withExtension: "xz",
        subdirectory: "Resources")
    else {
      throw EmbeddingError.io(
        path: "Resources/\(fileName)", reason: "missing from the embed bundle (reinstall embed)")
    }
    return url.path
  }

  /// Loads the shipped model as an encoder.
  static func encoder() throws -> StaticEncoder {
    try StaticEncoder(path: path())
  }

  /// Whether `path` is a static model file (starts with EKSTATIC, or is an xz file named .eks.xz).
  static func isStaticModelFile(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    else { return false }
    if path.hasSuffix(".eks") || path.hasSuffix(".eks.xz") || path.hasSuffix(".eks.gz") {
      return true
    }
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 8)) ?? Data()
    return head == Data("EKSTATIC".utf8)
  }
}
