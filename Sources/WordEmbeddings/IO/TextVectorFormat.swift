import EmbeddingCore
import Foundation

/// Reads and writes text vector files.
///
/// Text vector files: word2vec text and fastText `.vec` (a `count dim` header line) and
/// GloVe (no header). Each line is a word and its values separated by spaces (tabs are
/// accepted too); trailing spaces (fastText writes one) and `\r` are ignored.
///
/// Lines are located first (one `memchr` pass), then parsed in parallel blocks over all
/// cores, each writing its rows straight into the matrix.
enum TextVectorFormat {
  /// Reads a file; `hasHeader` false means GloVe (the dimension comes from the first line).
  ///
  /// - Complexity: O(file size), parallel.
  static func read(_ file: FileBytes, hasHeader: Bool, options: VectorLoadOptions) throws
    -> WordVectors
  {
    let path = file.path
    let bytes = file.bytes
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0
    else {
      throw EmbeddingError.malformed(path: path, location: "line 1", reason: "empty file")
    }
    let size = bytes.count
    var start = 0
    var promised: Int? = nil
    var dim = 0
    var firstLine = 1
    if hasHeader {
      let header = try Word2VecHeader.require(bytes, path: path)
      promised = header.count
      dim = header.dimension
      start = header.end
      firstLine = 2
    }
    let wanted = min(promised ?? Int.max, options.limit ?? Int.max)
    // Line starts and ends (end excludes "\n"), skipping blank lines; stop at `wanted`.
    var lineStarts: [Int] = []
    var lineEnds: [Int] = []
    var lineNumbers: [Int] = []
    if let promised { lineStarts.reserveCapacity(min(promised, wanted, size / 4 + 1)) }
    var pos = start
    var lineNumber = firstLine
    while pos < size && lineStarts.count < wanted {
      let end: Int
      if let nl = memchr(base + pos, Int32(UInt8(ascii: "\n")), size - pos) {
        end = UnsafeRawPointer(nl) - UnsafeRawPointer(base)
      } else {
        end = size
      }
      var trimmed = end
      while trimmed > pos
        && (base[trimmed - 1] == UInt8(ascii: " ") || base[trimmed - 1] == UInt8(ascii: "\r")
          || base[trimmed - 1] == UInt8(ascii: "\t"))
      {
        trimmed -= 1
      }
      if trimmed > pos {
        lineStarts.append(pos)
        lineEnds.append(trimmed)
        lineNumbers.append(lineNumber)
      }
      pos = end + 1
      lineNumber += 1
    }
    if let promised, lineStarts.count < wanted {
      throw EmbeddingError.malformed(
        path: path, location: "line \(lineNumber)",
        reason: "the header promises \(promised) words but the file has only "
          + "\(lineStarts.count); the file is truncated or the header is wrong "
          + "(use limit/--limit \(lineStarts.count) to read what is there)")
    }
    let rows = lineStarts.count
    if !hasHeader {
      guard rows > 0 else {
        throw EmbeddingError.malformed(path: path, location: "line 1", reason: "no vectors in file")
      }
      dim = countFields(base + lineStarts[0], lineEnds[0] - lineStarts[0]) - 1
      guard dim > 0 else {
        throw EmbeddingError.malformed(
          path: path, location: "line \(lineNumbers[0])",
          reason: "the first line has a word but no values")
      }
    }
    // Every value takes at least two bytes ("0 "): refuse shapes the file cannot hold
    // before allocating for them.
    let (values, overflow) = rows.multipliedReportingOverflow(by: dim)
    guard !overflow, values <= size / 2 + 1 else {
      throw EmbeddingError.malformed(
        path: path, location: hasHeader ? "line 1" : "line \(lineNumbers.first ?? 1)",
        reason:
          "\(rows) rows of \(dim) values cannot fit in \(size) bytes; the header's dimension is wrong"
      )
    }
    let matrix = Matrix(rows: rows, columns: dim)
    let columns = dim
    let blockCount = max(1, min(rows / 2048, Parallelism.defaultThreads * 4))
    let blocks = ParallelSlots<Result<([String], Int), Error>?>(count: blockCount, initial: nil)
    let shared = SharedLines(
      base: base, starts: lineStarts, ends: lineEnds, numbers: lineNumbers)
    parallelChunks(rows, pieces: blockCount) { block, range in
      let (lo, hi) = (range.lowerBound, range.upperBound)
      var words: [String] = []
      words.reserveCapacity(hi - lo)
      var replaced = 0
      do {
        for row in lo..<hi {
          let word = try parseLine(
            shared, row: row, dim: columns, into: matrix.rowPointer(row), path: path,
            options: options, replaced: &replaced)
          words.append(word)
        }
        blocks[block] = .success((words, replaced))
      } catch {
        blocks[block] = .failure(error)
      }
    }
    let (words, replaced) = try blocks.joinedRows(capacity: rows)
    return try RowAssembly.finish(
      words: words, matrix: matrix, path: path, options: options, replacedUTF8: replaced
    ) { "line \(lineNumbers[$0])" }
  }

  /// Parses one line into `target`; returns its word.
  private static func parseLine(
    _ lines: SharedLines, row: Int, dim: Int, into target: UnsafeMutablePointer<Float>,
    path: String, options: VectorLoadOptions, replaced: inout Int
  ) throws -> String {
    let base = lines.base
    let start = lines.starts[row]
    let end = lines.ends[row]
    let number = lines.numbers[row]
    // Fields from the end: the last `dim` are values, the one before is the word.
    var fieldEnd = end
    var value = dim - 1
    var p = end
    while value >= 0 {
      while p > start && !isSeparator(base[p - 1]) { p -= 1 }
      let fieldStart = p
      if fieldStart == start {
        // Ran into the start of the line: it is the word, so values are missing.
        let found = dim - 1 - value
        throw EmbeddingError.malformed(
          path: path, location: "line \(number)",
          reason: "expected a word and \(dim) values, found \(found) value(s)"
            + (found < dim ? " (a value is missing or the line is cut short)" : ""))
      }
      guard let parsed = DecimalText.parse(base + fieldStart, fieldEnd - fieldStart) else {
        let text = String(
          decoding: UnsafeBufferPointer(
            start: base + fieldStart, count: min(fieldEnd - fieldStart, 40)), as: UTF8.self)
        throw EmbeddingError.malformed(
          path: path, location: "line \(number)",
          reason: "value \(value + 1) '\(text)' is not a number")
      }
      if options.nonFinite == .reject && !parsed.isFinite {
        throw EmbeddingError.malformed(
          path: path, location: "line \(number)",
          reason:
            "value \(value + 1) is \(parsed); use nonFinite: .allow (--allow-non-finite) to keep it"
        )
      }
      target[value] = parsed
      value -= 1
      // Skip the separators before this field.
      while p > start && isSeparator(base[p - 1]) { p -= 1 }
      fieldEnd = p
    }
    guard fieldEnd > start else {
      throw EmbeddingError.malformed(
        path: path, location: "line \(number)", reason: "the line has values but no word")
    }
    // Words are single tokens: a separator left in the "word" means too many values.
    for i in start..<fieldEnd where isSeparator(base[i]) {
      throw EmbeddingError.malformed(
        path: path, location: "line \(number)",
        reason: "expected a word and \(dim) values, found more (a word with spaces, or the "
          + "header's dimension is wrong)")
    }
    var wasReplaced = false
    guard
      let word = RowAssembly.decodeWord(
        UnsafeRawBufferPointer(start: base + start, count: fieldEnd - start),
        policy: options.invalidUTF8, replaced: &wasReplaced)
    else {
      throw EmbeddingError.malformed(
        path: path, location: "line \(number)",
        reason: "the word is not valid UTF-8; use invalidUTF8: .replace (--replace-invalid-utf8)")
    }
    if wasReplaced { replaced += 1 }
    return word
  }

  @inline(__always)
  private static func isSeparator(_ c: UInt8) -> Bool {
    c == UInt8(ascii: " ") || c == UInt8(ascii: "\t")
  }

  /// Number of separator-delimited fields in `p[0..<n]`.
  private static func countFields(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    var fields = 0
    var inField = false
    for i in 0..<n {
      if isSeparator(p[i]) {
        inField = false
      } else if !inField {
        inField = true
        fields += 1
      }
    }
    return fields
  }

  /// Writes text vectors atomically.
  ///
  /// Writes `vectors` as text: with a `count dim` header (word2vec text,
  /// fastText `.vec`) or without (GloVe). Values are the shortest decimals that read back
  /// to the same float32.
  static func write(
    _ vectors: WordVectors, to path: String, header: Bool, trailingSpace: Bool = false
  ) throws {
    try WordValidation.requireSingleTokens(vectors)
    let rows = vectors.count
    let dim = vectors.dimension
    let words = vectors.words
    let blockRows = 4096
    let blockCount = (rows + blockRows - 1) / blockRows
    try AtomicFile.write(to: path) { out in
      if header { try out.write("\(rows) \(dim)\n") }
      // Format blocks of rows in parallel, a few blocks at a time, and write them in order.
      let threads = Parallelism.defaultThreads
      var block = 0
      while block < blockCount {
        let batch = min(threads * 2, blockCount - block)
        let texts = ParallelSlots<[UInt8]>(count: batch, initial: [])
        let first = block
        parallelFor(batch, threads: threads) { b in
          var text: [UInt8] = []
          let lo = (first + b) * blockRows
          let hi = min(rows, lo + blockRows)
          text.reserveCapacity((hi - lo) * dim * 11)
          for row in lo..<hi {
            text.append(contentsOf: words[row].utf8)
            let p = vectors.matrix.rowPointer(row)
            for j in 0..<dim {
              text.append(UInt8(ascii: " "))
              DecimalText.append(p[j], to: &text)
            }
            if trailingSpace { text.append(UInt8(ascii: " ")) }
            text.append(UInt8(ascii: "\n"))
          }
          texts[b] = text
        }
        for b in 0..<batch {
          try out.write(texts[b])
        }
        block += batch
      }
    }
  }
}

/// The line table shared read-only by the parsing threads.
private struct SharedLines: @unchecked Sendable {
  // The pointer is into a FileBytes the caller keeps alive for the whole parse.
  let base: UnsafePointer<UInt8>
  let starts: [Int]
  let ends: [Int]
  let numbers: [Int]
}

extension ParallelSlots where Value == Result<([String], Int), Error>? {
  /// The words of every block in block order and the total count of words whose invalid
  /// UTF-8 was replaced; rethrows the first block's error.
  func joinedRows(capacity: Int) throws -> (words: [String], replaced: Int) {
    var words: [String] = []
    words.reserveCapacity(capacity)
    var replaced = 0
    for slot in values {
      switch slot {
      case .success(let (w, r)):
        words.append(contentsOf: w)
        replaced += r
      case .failure(let error):
        throw error
      case nil:
        break
      }
    }
    return (words, replaced)
  }
}
