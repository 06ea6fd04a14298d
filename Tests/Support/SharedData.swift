import Foundation

/// Locates the read-only data folder `../shared/data` beside the package root.
///
/// Tests that need it carry the trait `.enabled(if: SharedData.has("eval/wordsim353.tsv"))`
/// (reported as skipped when absent: a clone without `../shared`) and then read
/// `SharedData.path(...)`. `EMBEDDINGKIT_SHARED_DATA` overrides the location.
public enum SharedData {
  /// The package root (the folder holding Package.swift).
  public static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }()

  /// The shared data folder, if it exists.
  public static let root: URL? = {
    if let env = ProcessInfo.processInfo.environment["EMBEDDINGKIT_SHARED_DATA"] {
      return URL(fileURLWithPath: env)
    }
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }()

  /// The path of `relative` inside the shared data folder, or nil (with a note on stderr)
  /// if the folder or the file is absent, so the caller can skip.
  public static func path(_ relative: String) -> String? {
    guard let root else {
      FileHandle.standardError.write(
        Data("skipped: ../shared/data is absent (needed for \(relative))\n".utf8))
      return nil
    }
    let p = root.appendingPathComponent(relative).path
    guard FileManager.default.fileExists(atPath: p) else {
      FileHandle.standardError.write(Data("skipped: \(p) is absent\n".utf8))
      return nil
    }
    return p
  }

  /// Whether the shared data folder is present (for `.enabled(if:)` traits).
  public static var isAvailable: Bool { root != nil }

  /// Whether `relative` exists in the shared data folder. Tests that need it declare
  /// `.enabled(if: SharedData.has("x"), "needs ../shared/data/x")`, so the runner reports
  /// them as skipped (not passed) when it is absent, then `try #require(SharedData.path("x"))`.
  public static func has(_ relative: String) -> Bool {
    guard let root else { return false }
    return FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path)
  }
}

/// A fresh temporary directory, removed by the caller (or left in /tmp).
public func makeTemporaryDirectory(_ name: String = "embeddingkit") -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("\(name)-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
