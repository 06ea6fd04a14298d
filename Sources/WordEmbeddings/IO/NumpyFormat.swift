import EmbeddingCore
import Foundation

/// NumPy `.npy` files holding a 2-D matrix (rows × dim), with the words in a vocabulary
/// file beside it (`vectors.npy` + `vectors.vocab`, see `VocabularyFile`).
///
/// Layout (format versions 1–3): `\x93NUMPY`, major, minor, header length (UInt16 for v1,
/// UInt32 after), a Python-dict header `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (rows, dim), }` padded with spaces to a multiple of 64 bytes, then the data.
/// Reads little-endian float32 and float64 (converted), C or Fortran order; writes `<f4`, C order.
enum NumpyFormat {
  static func read(_ file: FileBytes, options: VectorLoadOptions) throws -> WordVectors {
    let path = file.path
    let b = file.bytes
    func fail(_ reason: String, at offset: Int = 0) -> EmbeddingError {
      .malformed(path: path, location: "byte \(offset)", reason: reason)
    }
    guard b.count >= 10, b[0] == 0x93, Array(b[1..<6]) == Array("NUMPY".utf8) else {
      throw fail("not a .npy file (no \\x93NUMPY magic)")
    }
    let major = b[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(b[8]) | Int(b[9]) << 8
      headerStart = 10
    case 2, 3:
      guard b.count >= 12 else { throw fail("file ends inside the header", at: b.count) }
      headerLength = Int(b.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian)
      headerStart = 12
    default:
      throw fail("unsupported .npy format version \(major) (1-3 are supported)", at: 6)
    }
    guard headerStart + headerLength <= b.count else {
      throw fail(
        "file ends inside the header (needs \(headerStart + headerLength) bytes)", at: b.count)
    }
    let header = String(decoding: b[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = field("descr", in: header) else {
      throw fail("header has no 'descr'", at: headerStart)
    }
    let fortran = field("fortran_order", in: header) == "True"
    guard let shapeText = field("shape", in: header) else {
      throw fail("header has no 'shape'", at: headerStart)
    }
    let shape = shapeText.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    guard shape.count == 2 else {
      throw fail("expected a 2-D matrix (rows, dim), found shape \(shapeText)", at: headerStart)
    }
    let elementSize: Int
    switch descr {
    case "'<f4'", "'=f4'", "'f4'": elementSize = 4
    case "'<f8'", "'=f8'", "'f8'": elementSize = 8
    default:
      throw fail(
        "unsupported dtype \(descr) (float32 '<f4' or float64 '<f8' expected)", at: headerStart)
    }
    let fileRows = shape[0]
    let dim = shape[1]
    let dataStart = headerStart + headerLength
    let (rowBytes, overflow1) = dim.multipliedReportingOverflow(by: elementSize)
    let (needed, overflow2) = fileRows.multipliedReportingOverflow(by: rowBytes)
    guard !overflow1, !overflow2, dim > 0, needed <= b.count - dataStart else {
      throw fail(
        "shape (\(fileRows), \(dim)) needs \(needed) data bytes but the file has "
          + "\(b.count - dataStart); it is truncated", at: b.count)
    }
    let vocabPath = options.vocabularyPath ?? VocabularyFile.defaultPath(for: path)
    let vocab = try VocabularyFile.read(path: vocabPath)
    guard vocab.words.count == fileRows else {
      throw EmbeddingError.malformed(
        path: vocabPath, location: "line \(vocab.words.count)",
        reason: "\(vocab.words.count) words for a matrix of \(fileRows) rows (\(path))")
    }
    let rows = min(fileRows, options.limit ?? Int.max)
    let matrix = Matrix(rows: rows, columns: dim)
    guard let base = b.baseAddress else { throw fail("empty file") }
    let data = base + dataStart
    for r in 0..<rows {
      let target = matrix.rowPointer(r)
      if !fortran && elementSize == 4 {
        UnsafeMutableRawPointer(target).copyMemory(from: data + r * dim * 4, byteCount: dim * 4)
      } else {
        copyConverting(
          data, row: r, rows: fileRows, dim: dim, fortran: fortran, elementSize: elementSize,
          into: target)
      }
      if options.nonFinite == .reject, let bad = RowAssembly.firstNonFinite(target, dim) {
        throw fail(
          "value \(bad + 1) of row \(r + 1) ('\(vocab.words[r])') is \(target[bad]); "
            + "use nonFinite: .allow (--allow-non-finite) to keep it",
          at: dataStart + (r * dim + bad) * elementSize)
      }
    }
    return try RowAssembly.finish(
      words: Array(vocab.words.prefix(rows)), matrix: matrix,
      counts: vocab.counts.isEmpty ? [] : Array(vocab.counts.prefix(rows)), path: vocabPath,
      options: options
    ) { "line \($0 + 1)" }
  }

  /// Copies one row element by element (Fortran order or float64).
  private static func copyConverting(
    _ data: UnsafeRawPointer, row r: Int, rows: Int, dim: Int, fortran: Bool, elementSize: Int,
    into target: UnsafeMutablePointer<Float>
  ) {
    for c in 0..<dim {
      let element = fortran ? c * rows + r : r * dim + c
      target[c] =
        elementSize == 4
        ? Float(
          bitPattern: data.loadUnaligned(fromByteOffset: element * 4, as: UInt32.self).littleEndian)
        : Float(
          Double(
            bitPattern: data.loadUnaligned(fromByteOffset: element * 8, as: UInt64.self)
              .littleEndian))
    }
  }

  /// The text of `key`'s value in a Python-dict header (up to the next top-level comma).
  private static func field(_ key: String, in header: String) -> String? {
    guard let range = header.range(of: "'\(key)':") else { return nil }
    var value = ""
    var depth = 0
    for ch in header[range.upperBound...] {
      if ch == "(" { depth += 1 }
      if ch == ")" { depth -= 1 }
      if (ch == "," && depth == 0) || ch == "}" { break }
      value.append(ch)
    }
    return value.trimmingCharacters(in: .whitespaces)
  }

  /// Writes the matrix as `<f4` (format 1.0) and the words to `<path without .npy>.vocab`.
  static func write(_ vectors: WordVectors, to path: String) throws {
    var header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (\(vectors.count), \(vectors.dimension)), }"
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    try AtomicFile.write(to: path) { out in
      try out.write([0x93] + Array("NUMPY".utf8) + [1, 0])
      try out.writeValue(UInt16(header.utf8.count).littleEndian)
      try out.write(header)
      try out.write(UnsafeRawBufferPointer(vectors.matrix.buffer))
    }
    try VocabularyFile.write(vectors, to: VocabularyFile.defaultPath(for: path))
  }
}
