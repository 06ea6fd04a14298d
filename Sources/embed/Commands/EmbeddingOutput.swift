import ArgumentParser
import EmbeddingKit
import Foundation

/// Where `embed encode` writes vectors, chunk by chunk: JSON lines (stdout or `.jsonl`), a
/// streamed `.npy` (header patched with the row count at the end), or `.ekv` (kept in memory
/// until the end: the native format needs every row).
final class EmbeddingOutput {
  enum Kind { case jsonLines, npy, ekv }
  let kind: Kind
  let precision: EmbeddingPrecision
  private let path: String?
  private let handle: FileHandle
  private var rows = 0
  private var columns = 0
  private var texts: [String] = []
  private var floats: [Float] = []
  private var ranges: (min: [Float], max: [Float])?
  private static let npyHeaderBytes = 128

  /// Opens `path` (nil: JSON lines on stdout); the kind follows the extension.
  init(path: String?, precision: EmbeddingPrecision) throws {
    self.path = path
    self.precision = precision
    switch path.map({ ($0 as NSString).pathExtension.lowercased() }) {
    case nil: kind = .jsonLines
    case "jsonl", "json": kind = .jsonLines
    case "npy": kind = .npy
    case "ekv": kind = .ekv
    default:
      throw ValidationError("-o must end in .npy, .ekv or .jsonl (got '\(path ?? "")')")
    }
    if kind == .ekv && precision != .float32 {
      throw ValidationError(".ekv holds float32 vectors; use .npy or .jsonl for \(precision)")
    }
    if let path, kind != .ekv {
      guard FileManager.default.createFile(atPath: path, contents: nil),
        let h = FileHandle(forWritingAtPath: path)
      else { throw EmbeddingError.io(path: path, reason: "cannot create the file") }
      handle = h
      if kind == .npy { try handle.write(contentsOf: Data(count: Self.npyHeaderBytes)) }
    } else {
      handle = FileHandle.standardOutput
    }
  }

  /// The int8/uint8 ranges in use (set from the first chunk), for the report.
  var calibration: (min: [Float], max: [Float])? { ranges }

  /// Appends the vectors of `texts`.
  func write(texts chunk: [String], vectors: Matrix) throws {
    columns = vectors.columns
    rows += vectors.rows
    if (precision == .int8 || precision == .uint8) && ranges == nil {
      ranges = EmbeddingPrecision.ranges(of: vectors)  // calibrated on the first chunk
    }
    let codes = try precision.quantize(vectors, ranges: ranges)
    let width = precision.rowBytes(dimension: vectors.columns)
    switch kind {
    case .ekv:
      texts += chunk
      floats += vectors.buffer
    case .npy:
      var data = Data(capacity: vectors.rows * width * 4)
      if let codes {
        data.append(contentsOf: codes.map { UInt8(truncatingIfNeeded: $0) })
      } else if precision == .float16 {
        for x in vectors.buffer {
          withUnsafeBytes(of: Float16(x).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
      } else {
        data.append(UnsafeBufferPointer(vectors.buffer))
      }
      try handle.write(contentsOf: data)
    case .jsonLines:
      var out = ""
      for (r, text) in chunk.enumerated() {
        let values: [Any] =
          codes.map { Array($0[r * width..<(r + 1) * width]) }
          ?? vectors.row(r).map { precision == .float16 ? Double(Float16($0)) : Double($0) }
        let object: [String: Any] = ["text": text, "vector": values]
        let line = try JSONSerialization.data(
          withJSONObject: object, options: [.withoutEscapingSlashes])
        out += String(decoding: line, as: UTF8.self) + "\n"
      }
      try handle.write(contentsOf: Data(out.utf8))
    }
  }

  /// Completes the file (npy header, ekv write).
  func finish() throws {
    switch kind {
    case .jsonLines:
      if path != nil { try handle.close() }
    case .npy:
      let descr: String
      switch precision {
      case .float32: descr = "<f4"
      case .float16: descr = "<f2"
      case .int8, .binary: descr = "|i1"
      case .uint8, .ubinary: descr = "|u1"
      }
      let width = precision == .binary || precision == .ubinary ? (columns + 7) / 8 : columns
      var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows), \(width)), }"
      header +=
        String(repeating: " ", count: Self.npyHeaderBytes - 10 - 1 - header.utf8.count) + "\n"
      var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
      bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
      bytes += Array(header.utf8)
      try handle.seek(toOffset: 0)
      try handle.write(contentsOf: Data(bytes))
      try handle.close()
    case .ekv:
      guard let path else { return }
      let matrix = Matrix(rows: rows, columns: columns, values: floats)
      try WordVectors(words: texts, matrix: matrix).write(to: path, format: .native)
    }
  }
}
