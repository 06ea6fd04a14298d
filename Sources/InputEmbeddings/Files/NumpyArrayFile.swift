import EmbeddingCore
import Foundation

/// Reads and writes NumPy `.npy` files holding 1-D or 2-D float arrays.
///
/// Reads format versions 1.0–3.0, little-endian `<f4` (float32), `<f8` (float64, converted)
/// and `<f2` (float16, converted), C order. Writes version 1.0 `<f4`. A 1-D array reads as one
/// row. This is how weights are exchanged with Python (`np.save("wte.npy", w)`).
///
/// ```swift
/// let wte = try NumpyArrayFile.read(path: "wte.npy")      // Matrix 50257 × 768
/// try NumpyArrayFile.write(wte, to: "copy.npy")
/// ```
public enum NumpyArrayFile {
  private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY

  /// Reads a float matrix.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the file and what is wrong (not .npy, an
  ///   unsupported dtype or order, a shape that is not 1-D/2-D, fewer bytes than the shape needs).
  public static func read(path: String) throws -> Matrix {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
      throw EmbeddingError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
    }
    return try parse(data, path: path)
  }

  static func parse(_ data: Data, path: String) throws -> Matrix {
    let bytes = [UInt8](data.prefix(12))
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 0", reason: "not a NumPy .npy file (no \\x93NUMPY magic)")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else {
        throw EmbeddingError.malformed(path: path, location: "byte 8", reason: "truncated header")
      }
      headerLength =
        Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    default:
      throw EmbeddingError.malformed(
        path: path, location: "byte 6", reason: ".npy format version \(major) is not supported")
    }
    guard data.count >= headerStart + headerLength else {
      throw EmbeddingError.malformed(
        path: path, location: "byte \(headerStart)", reason: "truncated header")
    }
    let header = String(decoding: data[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = value(of: "descr", in: header),
      let order = value(of: "fortran_order", in: header),
      let shapeText = value(of: "shape", in: header)
    else {
      throw EmbeddingError.malformed(
        path: path, location: "header",
        reason: "header lacks descr, fortran_order or shape: \(header)")
    }
    guard order.hasPrefix("False") else {
      throw EmbeddingError.malformed(
        path: path, location: "header",
        reason: "Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
    }
    let dims = shapeText.split(whereSeparator: { "(), ".contains($0) }).compactMap { Int($0) }
    let (rows, columns): (Int, Int)
    switch dims.count {
    case 1: (rows, columns) = (1, dims[0])
    case 2: (rows, columns) = (dims[0], dims[1])
    default:
      throw EmbeddingError.malformed(
        path: path, location: "header", reason: "shape \(shapeText) is not 1-D or 2-D")
    }
    let kind = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
    let width: Int
    switch kind {
    case "<f4", "=f4", "f4": width = 4
    case "<f8", "=f8", "f8": width = 8
    case "<f2", "=f2", "f2": width = 2
    default:
      throw EmbeddingError.malformed(
        path: path, location: "header",
        reason: "dtype \(kind) is not supported (little-endian float16/32/64 only); convert "
          + "with arr.astype('<f4')")
    }
    let start = headerStart + headerLength
    let needed = rows * columns * width
    guard data.count - start >= needed else {
      throw EmbeddingError.malformed(
        path: path, location: "byte \(start)",
        reason: "shape (\(rows), \(columns)) needs \(needed) bytes of data but the file has "
          + "\(data.count - start)")
    }
    let matrix = Matrix(rows: rows, columns: columns)
    data.withUnsafeBytes { raw in
      FloatConversion.convert(
        raw.baseAddress! + start, width: width, count: rows * columns, into: matrix.baseAddress)
    }
    return matrix
  }

  /// The text after `'key':` up to the next top-level comma or brace.
  static func value(of key: String, in header: String) -> String? {
    guard let range = header.range(of: "'\(key)':") else { return nil }
    var rest = header[range.upperBound...].drop(while: { $0 == " " })
    if rest.first == "(" {
      guard let close = rest.firstIndex(of: ")") else { return nil }
      rest = rest[...close]
      return String(rest)
    }
    let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) ?? rest.endIndex
    return String(rest[..<end])
  }

  /// Writes `matrix` as a version 1.0 little-endian float32 `.npy` (shape (rows, columns)).
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

/// Converts little-endian float16/32/64 (and bfloat16) bytes to Float.
enum FloatConversion {
  /// `width` 2 is IEEE half unless `bfloat16`.
  static func convert(
    _ source: UnsafeRawPointer, width: Int, bfloat16: Bool = false, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    switch width {
    case 4:
      UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: count * 4)
    case 8:
      for i in 0..<count {
        out[i] = Float(source.loadUnaligned(fromByteOffset: i * 8, as: Double.self))
      }
    default:
      for i in 0..<count {
        let bits = source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
        out[i] = bfloat16 ? Float(bitPattern: UInt32(bits) << 16) : halfToFloat(bits)
      }
    }
  }

  /// IEEE 754 binary16 → Float (handles subnormals, infinities and NaN).
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = (h & 0x8000) != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F)
    let fraction = Float(h & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default:
      return sign * (1 + fraction / 1024)
        * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
  }
}
