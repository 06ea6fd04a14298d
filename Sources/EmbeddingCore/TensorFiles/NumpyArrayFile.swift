import Foundation

/// Reads and writes NumPy `.npy` files holding float tensors (shared by every module).
///
/// Reads format versions 1.0–3.0, little-endian `<f2` (float16), `<f4` (float32) and `<f8`
/// (float64), C or Fortran order, converting to `Float`. Writes version 1.0 `<f4`, C order,
/// with the data 64-byte aligned. Damaged files give `EmbeddingError.malformed` naming the
/// byte offset, never a crash. This is how weights are exchanged with Python
/// (`np.save("wte.npy", w)`).
///
/// ```swift
/// let wte = try NumpyArrayFile.read(path: "wte.npy")      // Matrix 50257 × 768
/// try NumpyArrayFile.write(wte, to: "copy.npy")
/// ```
public enum NumpyArrayFile {
  private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

  /// Reads a 1-D (one row) or 2-D float array as a matrix.
  ///
  /// ```swift
  /// let wpe = try NumpyArrayFile.read(path: "wpe.npy")
  /// ```
  /// - Throws: `EmbeddingError.io` if unreadable; `.malformed` naming the byte offset and what
  ///   is wrong (not .npy, an unsupported dtype, a shape that is not 1-D/2-D, too few bytes).
  /// - Complexity: O(elements); the file is memory-mapped.
  public static func read(path: String) throws -> Matrix {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
      throw EmbeddingError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
    }
    return try data.withUnsafeBytes { bytes in
      let layout = try self.layout(of: bytes, path: path)
      guard layout.matrixShape != nil else {
        throw EmbeddingError.malformed(
          path: path, location: "byte \(headerStart(of: bytes))",
          reason: "shape \(layout.shape) is not 1-D or 2-D")
      }
      return layout.matrix(from: bytes)
    }
  }

  /// Parses and checks the header of the `.npy` file in `bytes`.
  ///
  /// The returned layout's data range is inside `bytes`.
  /// ```swift
  /// let layout = try NumpyArrayFile.layout(of: bytes, path: path)   // shape [400, 50]
  /// ```
  /// - Throws: `EmbeddingError.malformed(path:location:reason:)` with a byte offset.
  public static func layout(of bytes: UnsafeRawBufferPointer, path: String) throws
    -> TensorLayout
  {
    func fail(_ reason: String, at offset: Int) -> EmbeddingError {
      .malformed(path: path, location: "byte \(offset)", reason: reason)
    }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw fail("not a NumPy .npy file (no \\x93NUMPY magic)", at: 0)
    }
    let major = bytes[6]
    let headerLength: Int
    let start: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      start = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw fail("file ends inside the header", at: bytes.count) }
      headerLength =
        Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      start = 12
    default:
      throw fail(".npy format version \(major) is not supported (1-3 are)", at: 6)
    }
    guard headerLength <= bytes.count - start else {
      throw fail(
        "file ends inside the header (needs \(start + headerLength) bytes)", at: bytes.count)
    }
    let header = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
    guard let descr = field("descr", in: header), let shapeText = field("shape", in: header)
    else {
      throw fail("header lacks 'descr' or 'shape': \(header.prefix(200))", at: start)
    }
    let fortran = field("fortran_order", in: header) == "True"
    guard shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
      throw fail("shape \(shapeText) is not a tuple", at: start)
    }
    let parts = shapeText.dropFirst().dropLast().split(separator: ",")
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let shape = parts.compactMap { Int($0) }
    guard shape.count == parts.count else {
      throw fail("shape \(shapeText) is not a tuple of integers", at: start)
    }
    guard let dtype = TensorDType(numpyDescr: descr) else {
      throw fail(
        "dtype \(descr) is not supported (little-endian float16/32/64 only); convert with "
          + "arr.astype('<f4')", at: start)
    }
    let dataStart = start + headerLength
    guard let needed = TensorLayout.byteCount(of: shape, width: dtype.byteWidth),
      needed <= bytes.count - dataStart
    else {
      throw fail(
        "shape \(shapeText) of \(dtype) needs more data bytes than the file's "
          + "\(bytes.count - dataStart); it is truncated", at: dataStart)
    }
    return TensorLayout(
      dtype: dtype, shape: shape, fortranOrder: fortran, offset: dataStart, byteCount: needed)
  }

  /// Where the header text starts (10 for version 1, 12 after), for error offsets.
  private static func headerStart(of bytes: UnsafeRawBufferPointer) -> Int {
    bytes.count > 6 && bytes[6] == 1 ? 10 : 12
  }

  /// The text of `key`'s value in a Python-dict header, up to the next top-level comma.
  static func field(_ key: String, in header: String) -> String? {
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

  /// Writes `matrix` as a version 1.0 little-endian float32 `.npy` of shape (rows, columns).
  ///
  /// ```swift
  /// try NumpyArrayFile.write(Matrix(rows: 2, columns: 3), to: "zeros.npy")
  /// ```
  /// - Throws: `EmbeddingError.io` if the file cannot be written (the old file is kept).
  public static func write(_ matrix: Matrix, to path: String) throws {
    var header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (\(matrix.rows), \(matrix.columns)), }"
    // Pad with spaces so that data starts on a 64-byte boundary, ending in a newline.
    let total = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
    let length = header.utf8.count
    try AtomicFile.write(to: path) { out in
      try out.write(magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)])
      try out.write(header)
      try out.write(UnsafeRawBufferPointer(start: matrix.baseAddress, count: matrix.count * 4))
    }
  }
}
