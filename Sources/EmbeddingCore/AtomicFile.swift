import Foundation

/// Writes files atomically, so a crash mid-write never replaces a good file with a broken one.
///
/// Data goes to a temporary file beside the target, is flushed to disk, and then renamed over
/// the target. A crash or kill mid-write leaves the old file, and a hidden temporary
/// `.NAME.tmp-PID-RANDOM` beside it; the next write to the same path removes such leftovers
/// whose process (PID) is no longer running (files of a live process are left alone).
///
/// ```swift
/// try AtomicFile.write(to: "vectors.bin") { out in try out.write([1, 2, 3]) }
/// ```
public enum AtomicFile {
  /// A buffered writer handed to the `write` closure.
  public final class Writer {
    fileprivate let handle: UnsafeMutablePointer<FILE>
    fileprivate let path: String
    fileprivate init(handle: UnsafeMutablePointer<FILE>, path: String) {
      self.handle = handle
      self.path = path
    }
    /// Appends raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
      guard bytes.count > 0 else { return }
      if fwrite(bytes.baseAddress, 1, bytes.count, handle) != bytes.count {
        throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
      }
    }
    /// Appends an array of bytes.
    public func write(_ bytes: [UInt8]) throws {
      try bytes.withUnsafeBytes { try write($0) }
    }
    /// Appends a string's UTF-8 bytes.
    public func write(_ string: String) throws {
      var s = string
      try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
    /// Appends a value's raw (little-endian on all supported platforms) bytes.
    public func writeValue<T: BitwiseCopyable>(_ value: T) throws {
      try withUnsafeBytes(of: value) { try write($0) }
    }
  }

  /// Runs `body` with a writer to a temporary file, then renames it to `path`.
  ///
  /// If `body` throws, the temporary file is removed and `path` is untouched.
  public static func write(to path: String, _ body: (Writer) throws -> Void) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    removeStaleTemporaries(directory: directory, name: url.lastPathComponent)
    let temp =
      "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    guard let handle = fopen(temp, "wb") else {
      throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
    }
    setvbuf(handle, nil, _IOFBF, 1 << 20)
    let writer = Writer(handle: handle, path: path)
    do {
      try body(writer)
      guard fflush(handle) == 0, fsync(fileno(handle)) == 0 else {
        throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
      }
      fclose(handle)
      guard rename(temp, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(temp)
        throw EmbeddingError.io(path: path, reason: reason)
      }
    } catch {
      fclose(handle)
      unlink(temp)
      throw error
    }
  }

  /// Removes `.NAME.tmp-PID-RANDOM` files in `directory` left by writers to NAME that were
  /// killed mid-write: only those whose PID names no running process. Best effort, never throws.
  ///
  /// - Complexity: O(files in `directory`).
  static func removeStaleTemporaries(directory: String, name: String) {
    let prefix = ".\(name).tmp-"
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      return
    }
    for entry in entries where entry.hasPrefix(prefix) {
      let rest = entry.dropFirst(prefix.count).split(separator: "-")
      guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, UInt32(rest[1]) != nil else {
        continue
      }
      // kill(pid, 0) probes without signalling; ESRCH means no such process.
      if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
        unlink("\(directory)/\(entry)")
      }
    }
  }
}
