import Foundation

/// Reads byte ranges of a file with `pread`, without mapping it.
///
/// Large model files read through a memory map stay in the process's resident set until the map
/// is dropped, on top of the copies made from them (the peak RSS counts both). Reading each
/// range into a small reusable buffer keeps only the copies resident; the bytes stay in the
/// kernel's page cache for the next reader.
///
/// ```swift
/// let file = try PositionalFileReader(path: "model.safetensors")
/// var header = [UInt8](repeating: 0, count: 8)
/// try header.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
/// ```
package final class PositionalFileReader {
  /// The file's path (for error messages).
  package let path: String
  /// The file's length in bytes when it was opened.
  package let size: Int
  private let descriptor: Int32

  /// Opens `path` for reading.
  ///
  /// - Throws: `EmbeddingError.io` naming the path when it cannot be opened or is not a file.
  package init(path: String) throws {
    self.path = path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw EmbeddingError.io(
        path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
    }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw EmbeddingError.io(path: path, reason: "not a regular file")
    }
    descriptor = fd
    size = Int(info.st_size)
  }

  deinit { close(descriptor) }

  /// Fills `buffer` with the file's bytes from `offset`.
  ///
  /// - Throws: `EmbeddingError.io` when the read fails or the file is shorter than the range
  ///   (it changed after it was opened).
  package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
    var done = 0
    while done < buffer.count {
      let got = pread(
        descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
      if got < 0 && errno == EINTR { continue }
      guard got > 0 else {
        throw EmbeddingError.io(
          path: path,
          reason: got < 0
            ? "read failed: \(String(cString: strerror(errno)))"
            : "the file ended at byte \(offset + done) (it changed while being read?)")
      }
      done += got
    }
  }

  /// Calls `body` with consecutive chunks of bytes `range` (each at most `chunk` bytes; one
  /// buffer reused), in order.
  ///
  /// - Throws: what `read(into:at:)` or `body` throws.
  package func forEachChunk(
    of range: Range<Int>, chunk: Int = 1 << 20,
    _ body: (_ bytes: UnsafeRawBufferPointer, _ offset: Int) throws -> Void
  ) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(
      byteCount: max(1, min(chunk, range.count)), alignment: 16)
    defer { buffer.deallocate() }
    var at = range.lowerBound
    while at < range.upperBound {
      let n = min(buffer.count, range.upperBound - at)
      let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
      try read(into: part, at: at)
      try body(UnsafeRawBufferPointer(part), at)
      at += n
    }
  }
}
