/// Splits a `ByteStream` into lines without loading the file whole.
///
/// Lines longer than `maxLineBytes` are returned in pieces of at most that size (so a
/// 100 MB line never needs 100 MB at once); `isPartial` tells the caller a piece continues.
///
/// ```swift
/// let lines = try LineReader(path: "words.txt.gz")
/// while let line = try lines.next() { line.bytes.withUnsafeBufferPointer { ... } }
/// ```
public final class LineReader {
  /// One line (or piece of an over-long line), without its `\n` (a trailing `\r` is kept).
  public struct Line {
    /// The line's bytes.
    public var bytes: ArraySlice<UInt8>
    /// 1-based line number in the file.
    public var number: Int
    /// True if the line continues in the next piece.
    public var isPartial: Bool
  }

  private let stream: ByteStream
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var eof = false
  private var lineNumber = 1
  private let maxLineBytes: Int

  /// The underlying stream's path.
  public var path: String { stream.path }

  /// Opens `path` (plain, gzip or xz).
  public init(path: String, maxLineBytes: Int = 1 << 24) throws {
    stream = try ByteStream(path: path)
    self.maxLineBytes = maxLineBytes
    buffer = [UInt8](repeating: 0, count: min(maxLineBytes, 1 << 20) + 1)
  }

  /// Compressed bytes consumed so far (for progress bars).
  public var bytesRead: Int { stream.compressedBytesRead }

  /// The next line, or nil at end of file.
  public func next() throws -> Line? {
    while true {
      if let nl = buffer[start..<end].firstIndex(of: 0x0A) {
        let line = Line(bytes: buffer[start..<nl], number: lineNumber, isPartial: false)
        start = nl + 1
        lineNumber += 1
        return line
      }
      if eof {
        if start < end {
          let line = Line(bytes: buffer[start..<end], number: lineNumber, isPartial: false)
          start = end
          lineNumber += 1
          return line
        }
        return nil
      }
      if end - start >= maxLineBytes {
        let line = Line(
          bytes: buffer[start..<(start + maxLineBytes)], number: lineNumber, isPartial: true)
        start += maxLineBytes
        return line
      }
      // Compact and refill.
      if start > 0 {
        buffer.withUnsafeMutableBufferPointer { b in
          let n = end - start
          // The ranges overlap when the kept tail is longer than `start`: copyMemory is a memmove.
          if n > 0 {
            UnsafeMutableRawPointer(b.baseAddress!).copyMemory(
              from: b.baseAddress! + start, byteCount: n)
          }
        }
        end -= start
        start = 0
      }
      if end == buffer.count {
        buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, maxLineBytes + 1)))
      }
      let n = try buffer.withUnsafeMutableBytes { raw in
        try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end...]))
      }
      if n == 0 { eof = true } else { end += n }
    }
  }
}
