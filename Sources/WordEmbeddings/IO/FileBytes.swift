import EmbeddingCore
import Foundation

/// The whole content of a file as read-only bytes: memory-mapped for plain files, read and
/// decompressed into memory for `.gz` / `.xz` files and standard input (`"-"`).
///
/// Mapping costs no reading up front; pages are faulted in as the parser touches them, so
/// opening a 1 GB file is immediate and parsing runs at memory speed.
final class FileBytes: @unchecked Sendable {
  /// The file's path (for error messages).
  let path: String
  /// The bytes, valid for the lifetime of this object.
  let bytes: UnsafeRawBufferPointer
  private let mapping: (UnsafeMutableRawPointer, Int)?
  private let owned: UnsafeMutableRawPointer?

  /// Opens `path`, mapping it when it is an uncompressed regular file.
  ///
  /// - Throws: `EmbeddingError.io` if the file cannot be opened or read.
  init(path: String) throws {
    self.path = path
    if path != "-", let mapped = try FileBytes.mapIfPlain(path) {
      mapping = mapped
      owned = nil
      bytes = UnsafeRawBufferPointer(start: mapped.0, count: mapped.1)
      return
    }
    let all = try ByteStream.readAll(path: path)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(all.count, 1), alignment: 64)
    all.withUnsafeBytes { src in
      if let base = src.baseAddress { raw.copyMemory(from: base, byteCount: all.count) }
    }
    mapping = nil
    owned = raw
    bytes = UnsafeRawBufferPointer(start: raw, count: all.count)
  }

  deinit {
    if let (pointer, length) = mapping { munmap(pointer, length) }
    owned?.deallocate()
  }

  /// Maps a plain (not gzip/xz) regular file; nil if it is compressed, empty or not mappable.
  private static func mapIfPlain(_ path: String) throws -> (UnsafeMutableRawPointer, Int)? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw EmbeddingError.io(path: path, reason: "is a directory, not a file")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
    let length = Int(info.st_size)
    var magic = [UInt8](repeating: 0, count: 6)
    let got = pread(fd, &magic, 6, 0)
    if got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b { return nil }  // gzip
    if got == 6 && magic == [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] { return nil }  // xz
    guard let pointer = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0),
      pointer != MAP_FAILED
    else { return nil }
    return (pointer, length)
  }
}
