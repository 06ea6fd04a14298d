import ArgumentParser
import Foundation

/// Checks, before any work starts, that a command's output files can be written.
///
/// A run that trains for an hour must not lose its work to a typo in `-o`, and `-o` must never
/// name one of the inputs (the corpus would be overwritten). Every command that writes files
/// calls ``check(_:inputs:)`` first in `run()`.
enum OutputPaths {
  /// Throws a `ValidationError` naming the option if an output's folder is missing or not
  /// writable, an output is a folder, two outputs are the same file, or an output is an input.
  ///
  /// `outputs` pairs each option name (`-o`, `--save-model`) with its path; `nil` paths are
  /// options not given. `inputs` are the files the command reads ("-" = standard input).
  static func check(_ outputs: [(option: String, path: String?)], inputs: [String?]) throws {
    let inputFiles = inputs.compactMap { $0 }.filter { $0 != "-" }
    var seen: [(option: String, path: String)] = []
    for case let (option, path?) in outputs {
      try checkWritable(path, option: option)
      if let input = inputFiles.first(where: { sameFile($0, path) }) {
        throw ValidationError(
          "\(option) \(path) is the input file \(input): it would be overwritten; "
            + "choose another output name")
      }
      if let other = seen.first(where: { sameFile($0.path, path) }) {
        throw ValidationError(
          "\(option) \(path) and \(other.option) \(other.path) name the same file; "
            + "give each output its own name")
      }
      seen.append((option, path))
    }
  }

  /// The folder of `path` exists and is writable, and `path` is not a folder.
  private static func checkWritable(_ path: String, option: String) throws {
    guard !path.isEmpty else { throw ValidationError("\(option): the file name is empty") }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      throw ValidationError("\(option) \(path) is a folder; give a file name inside it")
    }
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw ValidationError(
        "\(option) \(path): the folder \(folder) does not exist; create it first (mkdir -p)")
    }
    guard access(folder, W_OK) == 0 else {
      throw ValidationError("\(option) \(path): the folder \(folder) is not writable")
    }
  }

  /// Whether two paths name the same file: the same device and inode when both exist,
  /// else the same absolute path once symbolic links are resolved.
  static func sameFile(_ a: String, _ b: String) -> Bool {
    var sa = stat()
    var sb = stat()
    if stat(a, &sa) == 0 && stat(b, &sb) == 0 {
      return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
    let resolve = { (p: String) in
      URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path
    }
    return resolve(a) == resolve(b)
  }
}
