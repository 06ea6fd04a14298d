import CLZMA
import CZlib
import Foundation

/// Streams the bytes of a file, transparently decompressing gzip (`.gz`) and xz (`.xz`).
///
/// Compression is detected from the file's magic bytes, not its name. Memory use is bounded
/// by the chunk size whatever the file's size, so corpora of any size can be read.
///
/// ```swift
/// let stream = try ByteStream(path: "corpus.txt.gz")
/// var chunk = [UInt8](repeating: 0, count: 1 << 20)
/// while case let n = try stream.read(into: &chunk), n > 0 { ... }
/// ```
public final class ByteStream {
  /// The file's path (for error messages).
  public let path: String
  /// How the file is compressed.
  public private(set) var compression: Compression
  private let handle: UnsafeMutablePointer<FILE>
  private var decoder: Decoder
  private var input: [UInt8]
  private var inputStart = 0
  private var inputEnd = 0
  private var inputEOF = false
  /// Compressed bytes consumed so far (for progress over compressed files).
  public private(set) var compressedBytesRead = 0

  /// The compression formats `ByteStream` understands.
  public enum Compression: String, Sendable {
    case none, gzip, xz
  }

  private enum Decoder {
    case none
    case gzip(UnsafeMutablePointer<z_stream>)
    case xz(UnsafeMutablePointer<lzma_stream>)
  }

  /// Opens `path` for reading (`"-"` reads standard input).
  ///
  /// - Throws: `EmbeddingError.io` if the file cannot be opened.
  public init(path: String, bufferSize: Int = 1 << 20) throws {
    self.path = path
    if path == "-" {
      guard let h = fdopen(dup(0), "rb") else {
        throw EmbeddingError.io(path: "<stdin>", reason: "cannot read standard input")
      }
      handle = h
    } else {
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
        throw EmbeddingError.io(path: path, reason: "is a directory, not a file")
      }
      guard let h = fopen(path, "rb") else {
        throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
      }
      handle = h
    }
    input = [UInt8](repeating: 0, count: max(bufferSize, 4096))
    decoder = .none
    compression = .none
    // Sniff the magic bytes.
    try fill()
    let magic = Array(input[inputStart..<min(inputEnd, inputStart + 6)])
    if magic.count >= 2 && magic[0] == 0x1F && magic[1] == 0x8B {
      compression = .gzip
      let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
      z.initialize(to: z_stream())
      // 15 + 32: zlib or gzip header, detected automatically.
      guard inflateInit2_(z, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
      else {
        z.deallocate()
        fclose(handle)
        throw EmbeddingError.io(path: path, reason: "cannot initialise gzip decoder")
      }
      decoder = .gzip(z)
    } else if magic == [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] {
      compression = .xz
      let s = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
      s.initialize(to: lzma_stream())
      guard lzma_stream_decoder(s, UInt64.max, 0x08 /* LZMA_CONCATENATED */) == LZMA_OK else {
        s.deallocate()
        fclose(handle)
        throw EmbeddingError.io(path: path, reason: "cannot initialise xz decoder")
      }
      decoder = .xz(s)
    }
  }

  deinit {
    switch decoder {
    case .none: break
    case .gzip(let z):
      inflateEnd(z)
      z.deallocate()
    case .xz(let s):
      lzma_end(s)
      s.deallocate()
    }
    fclose(handle)
  }

  /// Refills the raw input buffer when it is empty.
  private func fill() throws {
    guard inputStart >= inputEnd, !inputEOF else { return }
    let n = input.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
    if n == 0 {
      if ferror(handle) != 0 {
        throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
      }
      inputEOF = true
    }
    compressedBytesRead += n
    inputStart = 0
    inputEnd = n
  }

  /// Reads up to `buffer.count` decompressed bytes into `buffer` from its start.
  ///
  /// Returns the number of bytes read; 0 means end of file.
  ///
  /// - Throws: `EmbeddingError.malformed` for corrupt or truncated compressed data.
  public func read(into buffer: inout [UInt8]) throws -> Int {
    try buffer.withUnsafeMutableBytes { try read(into: $0) }
  }

  /// Reads up to `buffer.count` decompressed bytes into raw memory (0 at end of file).
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    guard let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
    switch decoder {
    case .none:
      var written = 0
      while written < buffer.count {
        try fill()
        if inputStart >= inputEnd { break }
        let n = min(buffer.count - written, inputEnd - inputStart)
        input.withUnsafeBytes { src in
          (out + written).copyMemory(from: src.baseAddress! + inputStart, byteCount: n)
        }
        inputStart += n
        written += n
      }
      return written
    case .gzip(let z):
      var written = 0
      while written < buffer.count {
        try fill()
        if inputStart >= inputEnd {
          if written == 0 && z.pointee.total_in > 0 && !gzipEnded {
            throw EmbeddingError.malformed(
              path: path, location: "byte \(compressedBytesRead)", reason: "truncated gzip data")
          }
          break
        }
        let before = (inputEnd - inputStart, buffer.count - written)
        let status: Int32 = input.withUnsafeMutableBytes { src in
          z.pointee.next_in = src.baseAddress!.assumingMemoryBound(to: UInt8.self) + inputStart
          z.pointee.avail_in = UInt32(inputEnd - inputStart)
          z.pointee.next_out = (out + written).assumingMemoryBound(to: UInt8.self)
          z.pointee.avail_out = UInt32(buffer.count - written)
          return inflate(z, Z_NO_FLUSH)
        }
        let consumed = before.0 - Int(z.pointee.avail_in)
        let produced = before.1 - Int(z.pointee.avail_out)
        inputStart += consumed
        written += produced
        if status == Z_STREAM_END {
          // Concatenated gzip members: reset and continue if more input follows.
          gzipEnded = true
          try fill()
          if inputStart < inputEnd {
            inflateReset(z)
            gzipEnded = false
          } else {
            break
          }
        } else if status != Z_OK && status != Z_BUF_ERROR {
          throw EmbeddingError.malformed(
            path: path, location: "byte \(compressedBytesRead - (inputEnd - inputStart))",
            reason: "corrupt gzip data (zlib status \(status))")
        } else if consumed == 0 && produced == 0 {
          try fill()
          if inputStart >= inputEnd {
            if !gzipEnded {
              throw EmbeddingError.malformed(
                path: path, location: "byte \(compressedBytesRead)", reason: "truncated gzip data")
            }
            break
          }
        }
      }
      return written
    case .xz(let s):
      var written = 0
      while written < buffer.count {
        try fill()
        let action = inputStart >= inputEnd ? LZMA_FINISH : LZMA_RUN
        let before = (inputEnd - inputStart, buffer.count - written)
        let status: lzma_ret = input.withUnsafeMutableBytes { src in
          s.pointee.next_in = UnsafePointer(
            src.baseAddress!.assumingMemoryBound(to: UInt8.self) + inputStart)
          s.pointee.avail_in = inputEnd - inputStart
          s.pointee.next_out = (out + written).assumingMemoryBound(to: UInt8.self)
          s.pointee.avail_out = buffer.count - written
          return lzma_code(s, action)
        }
        inputStart += before.0 - s.pointee.avail_in
        written += before.1 - s.pointee.avail_out
        if status == LZMA_STREAM_END { break }
        if status != LZMA_OK && status != LZMA_BUF_ERROR {
          throw EmbeddingError.malformed(
            path: path, location: "byte \(compressedBytesRead)",
            reason: "corrupt or truncated xz data (lzma status \(status.rawValue))")
        }
        if status == LZMA_BUF_ERROR && action == LZMA_FINISH {
          throw EmbeddingError.malformed(
            path: path, location: "byte \(compressedBytesRead)", reason: "truncated xz data")
        }
      }
      return written
    }
  }
  private var gzipEnded = false

  /// Reads the whole (decompressed) stream into memory; use it only for small files.
  public func readAll() throws -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = try read(into: &chunk)
      if n == 0 { break }
      result.append(contentsOf: chunk[0..<n])
    }
    return result
  }

  /// Reads a whole file (decompressing it if needed) into memory.
  public static func readAll(path: String) throws -> [UInt8] {
    try ByteStream(path: path).readAll()
  }
}
