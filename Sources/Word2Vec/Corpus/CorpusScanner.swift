import EmbeddingCore
import Foundation

/// Receives the words and line ends that `CorpusScanner` finds.
protocol CorpusSink {
  /// One word's bytes (valid only during the call). Never empty.
  mutating func word(_ bytes: UnsafeRawBufferPointer)
  /// The end of a line (a sentence boundary).
  mutating func endOfLine()
  /// Called once per read chunk; returning true stops the scan (cancellation, a full buffer).
  mutating func shouldStop() -> Bool
}

/// Splits a text file (plain, gzip or xz) into words on ASCII whitespace and lines on `\n`,
/// streaming it in 1 MiB chunks: the corpus is never loaded whole, and no `String` is built.
///
/// Documented behaviour on unusual input:
/// - Words are byte strings, split on space, tab, `\n`, `\r`, `\v`, `\f`. Other bytes (including
///   NUL and non-ASCII spaces) belong to words.
/// - A word longer than `maxWordBytes` (default 1,000) is skipped whole and counted in
///   `overlongWords`: a 200,000-character "word" costs no memory and cannot blow up the vocabulary.
/// - A word that spans two read chunks is carried over, so chunking never splits a word.
struct CorpusScanner {
  /// Words longer than this many bytes are skipped.
  let maxWordBytes: Int
  /// Number of over-long words skipped so far.
  private(set) var overlongWords = 0
  private var stream: ByteStream
  private var buffer: UnsafeMutableRawBufferPointer
  private var carry: [UInt8] = []
  private var carryOverlong = false
  private var finished = false

  /// The file's path.
  var path: String { stream.path }
  /// Compressed bytes consumed so far.
  var bytesRead: Int { stream.compressedBytesRead }

  init(path: String, maxWordBytes: Int = 1000, chunkSize: Int = 1 << 20) throws {
    stream = try ByteStream(path: path)
    self.maxWordBytes = maxWordBytes
    buffer = .allocate(byteCount: chunkSize, alignment: 64)
  }

  /// Frees the read buffer. Call once when done.
  func close() { buffer.deallocate() }

  /// The whitespace table: 1 for space, tab, LF, VT, FF, CR; 2 for LF.
  @inline(__always)
  static func isSpace(_ b: UInt8) -> Bool {
    b == 0x20 || (b >= 0x09 && b <= 0x0D)
  }

  /// Scans until the end of the file or until `sink.shouldStop()` returns true.
  /// Returns true if the file was fully read.
  mutating func scan<Sink: CorpusSink>(into sink: inout Sink) throws -> Bool {
    while !finished {
      let n = try stream.read(into: buffer)
      if n == 0 {
        finished = true
        flushCarry(into: &sink)
        return true
      }
      scanChunk(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), into: &sink)
      if sink.shouldStop() { return false }
    }
    return true
  }

  @inline(__always)
  private mutating func flushCarry<Sink: CorpusSink>(into sink: inout Sink) {
    if carryOverlong {
      overlongWords += 1
    } else if !carry.isEmpty {
      carry.withUnsafeBytes { sink.word($0) }
    }
    carry.removeAll(keepingCapacity: true)
    carryOverlong = false
  }

  private mutating func scanChunk<Sink: CorpusSink>(
    _ chunk: UnsafeRawBufferPointer, into sink: inout Sink
  ) {
    let base = chunk.baseAddress!
    let n = chunk.count
    var i = 0
    // Finish a word carried over from the previous chunk.
    if !carry.isEmpty || carryOverlong {
      while i < n && !Self.isSpace(chunk[i]) { i += 1 }
      if carryOverlong || carry.count + i > maxWordBytes {
        carryOverlong = true
      } else {
        carry.append(contentsOf: UnsafeRawBufferPointer(start: base, count: i))
      }
      if i == n { return }
      flushCarry(into: &sink)
    }
    while i < n {
      let b = chunk[i]
      if Self.isSpace(b) {
        if b == 0x0A { sink.endOfLine() }
        i += 1
        continue
      }
      let start = i
      i += 1
      while i < n && !Self.isSpace(chunk[i]) { i += 1 }
      if i == n {
        // The word may continue in the next chunk.
        if i - start > maxWordBytes {
          carryOverlong = true
        } else {
          carry.append(contentsOf: UnsafeRawBufferPointer(start: base + start, count: i - start))
        }
        return
      }
      if i - start > maxWordBytes {
        overlongWords += 1
      } else {
        sink.word(UnsafeRawBufferPointer(start: base + start, count: i - start))
      }
    }
  }
}
