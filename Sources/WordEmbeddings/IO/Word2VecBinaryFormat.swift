import EmbeddingCore
import Foundation

/// The word2vec C tool's binary format.
///
/// Layout: an ASCII header line `count dim\n`, then `count` rows, each the word's UTF-8
/// bytes, one space, and `dim` little-endian float32 values, usually followed by `\n`
/// (the C tool writes it; some writers don't, so it is optional when reading, and
/// newlines before a word are skipped as gensim does).
enum Word2VecBinaryFormat {
  /// Reads a whole file.
  ///
  /// - Complexity: O(file size); rows are copied straight from the mapped file.
  static func read(_ file: FileBytes, options: VectorLoadOptions) throws -> WordVectors {
    let path = file.path
    let bytes = file.bytes
    let header = try Word2VecHeader.require(bytes, path: path)
    let dim = header.dimension
    let rows = min(header.count, options.limit ?? Int.max)
    let rowBytes = dim * 4
    guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
      throw EmbeddingError.malformed(path: path, location: "byte 0", reason: "empty file")
    }
    let size = bytes.count
    // Cheap sanity check before allocating: every row needs at least `dim*4 + 2` bytes.
    if rows > 0 && (size - header.end) / (rowBytes + 2) < rows {
      let fit = (size - header.end) / (rowBytes + 2)
      throw EmbeddingError.malformed(
        path: path, location: "line 1",
        reason: "the header promises \(header.count) rows of \(dim) floats "
          + "but the file (\(size) bytes) can hold at most \(fit); "
          + "the file is truncated or the header is wrong (use limit/--limit \(fit) to read what is there)"
      )
    }
    // Pass 1 (sequential, touches only the word bytes): where each row's word and vector are.
    var wordStarts = [Int](repeating: 0, count: rows)
    var wordEnds = [Int](repeating: 0, count: rows)
    var pos = header.end
    for row in 0..<rows {
      while pos < size && base[pos] == UInt8(ascii: "\n") { pos += 1 }
      let wordStart = pos
      guard let space = memchr(base + pos, Int32(UInt8(ascii: " ")), size - pos) else {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(wordStart)",
          reason: "file ends inside row \(row + 1) of \(header.count) (no space after the word); "
            + "the file is truncated or the header promises too many rows")
      }
      let wordEnd = UnsafeRawPointer(space) - UnsafeRawPointer(base)
      pos = wordEnd + 1
      guard size - pos >= rowBytes else {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(pos)",
          reason: "file ends inside the vector of row \(row + 1) of \(header.count) "
            + "(needs \(rowBytes) bytes, \(size - pos) left); the file is truncated "
            + "or the header promises too many rows or dimensions")
      }
      guard wordEnd > wordStart else {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(wordStart)", reason: "row \(row + 1) has an empty word")
      }
      wordStarts[row] = wordStart
      wordEnds[row] = wordEnd
      pos += rowBytes
    }
    // Pass 2 (parallel blocks): copy vectors, check values, decode words.
    let matrix = Matrix(rows: rows, columns: dim)
    let blockCount = max(1, min(rows / 4096, Parallelism.defaultThreads * 4))
    let blocks = ParallelSlots<Result<([String], Int), Error>?>(count: blockCount, initial: nil)
    let layout = RowLayout(base: base, wordStarts: wordStarts, wordEnds: wordEnds)
    parallelChunks(rows, pieces: blockCount) { block, range in
      let (lo, hi) = (range.lowerBound, range.upperBound)
      var words: [String] = []
      words.reserveCapacity(hi - lo)
      var replaced = 0
      for row in lo..<hi {
        let wordStart = layout.wordStarts[row]
        let wordEnd = layout.wordEnds[row]
        var wasReplaced = false
        guard
          let word = RowAssembly.decodeWord(
            UnsafeRawBufferPointer(start: layout.base + wordStart, count: wordEnd - wordStart),
            policy: options.invalidUTF8, replaced: &wasReplaced)
        else {
          blocks[block] = .failure(
            EmbeddingError.malformed(
              path: path, location: "byte \(wordStart)",
              reason: "the word of row \(row + 1) is not valid UTF-8 (or the header's dimension "
                + "is wrong); use invalidUTF8: .replace (--replace-invalid-utf8) to read it anyway"
            ))
          return
        }
        if wasReplaced { replaced += 1 }
        let target = matrix.rowPointer(row)
        UnsafeMutableRawPointer(target).copyMemory(
          from: layout.base + wordEnd + 1, byteCount: rowBytes)
        if options.nonFinite == .reject, let bad = RowAssembly.firstNonFinite(target, dim) {
          blocks[block] = .failure(
            EmbeddingError.malformed(
              path: path, location: "byte \(wordEnd + 1 + bad * 4)",
              reason: "value \(bad + 1) of '\(word)' (row \(row + 1)) is \(target[bad]); "
                + "use nonFinite: .allow (--allow-non-finite) to keep it"))
          return
        }
        words.append(word)
      }
      blocks[block] = .success((words, replaced))
    }
    let (words, replaced) = try blocks.joinedRows(capacity: rows)
    return try RowAssembly.finish(
      words: words, matrix: matrix, path: path, options: options, replacedUTF8: replaced
    ) { "byte \(wordStarts[$0])" }
  }

  /// Writes `vectors` atomically, each row followed by a newline (as the C tool does).
  static func write(_ vectors: WordVectors, to path: String) throws {
    try WordValidation.requireSingleTokens(vectors)
    try AtomicFile.write(to: path) { out in
      try out.write("\(vectors.count) \(vectors.dimension)\n")
      let rowBytes = vectors.dimension * 4
      for (row, word) in vectors.words.enumerated() {
        try out.write(word + " ")
        try out.write(
          UnsafeRawBufferPointer(start: vectors.matrix.rowPointer(row), count: rowBytes))
        try out.write([UInt8(ascii: "\n")])
      }
    }
  }
}

/// Row positions shared read-only by the parallel copy workers.
private struct RowLayout: @unchecked Sendable {
  // Points into the caller's FileBytes, alive for the whole parse.
  let base: UnsafePointer<UInt8>
  let wordStarts: [Int]
  let wordEnds: [Int]
}
