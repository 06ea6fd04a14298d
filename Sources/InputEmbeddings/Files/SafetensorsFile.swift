import EmbeddingCore
import Foundation

/// Reads named 1-D/2-D float tensors from a `.safetensors` file (Hugging Face's format).
///
/// Layout: an 8-byte little-endian header length, a JSON header mapping each tensor name to
/// `{"dtype", "shape", "data_offsets"}`, then the raw little-endian data. F32, F16, BF16 and
/// F64 are read (converted to Float). GPT-2's checkpoint names its embeddings `wte.weight` and
/// `wpe.weight` (or `transformer.wte.weight`); `tensor(named: "wte")` finds any of them.
///
/// ```swift
/// let file = try SafetensorsFile(path: "model.safetensors")
/// let wte = try file.tensor(named: "wte")   // Matrix 50257 × 768
/// ```
public struct SafetensorsFile: Sendable {
  /// The file's path.
  public let path: String
  /// Tensor names in the file (sorted).
  public var names: [String] { entries.keys.sorted() }
  private let entries: [String: Entry]
  private let data: Data
  private let dataStart: Int

  private struct Entry: Sendable {
    let dtype: String
    let shape: [Int]
    let begin: Int
    let end: Int
  }

  /// Opens the file (memory-mapped) and parses its header.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable, `.malformed` if the header is not valid.
  public init(path: String) throws {
    self.path = path
    do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
      throw EmbeddingError.io(path: path, reason: "cannot read: \(error.localizedDescription)")
    }
    guard data.count >= 8 else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 0", reason: "too short for safetensors")
    }
    let length = data.withUnsafeBytes {
      Int(UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)))
    }
    guard length > 0, length <= data.count - 8 else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 0",
        reason:
          "header length \(length) does not fit the file (\(data.count) bytes); not a safetensors file?"
      )
    }
    dataStart = 8 + length
    let json: Any
    do { json = try JSONSerialization.jsonObject(with: data[8..<(8 + length)]) } catch {
      throw EmbeddingError.malformed(path: path, location: "header", reason: "header is not JSON")
    }
    guard let object = json as? [String: Any] else {
      throw EmbeddingError.malformed(
        path: path, location: "header", reason: "header is not a JSON object")
    }
    var entries: [String: Entry] = [:]
    for (name, value) in object where name != "__metadata__" {
      guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int],
        offsets.count == 2
      else {
        throw EmbeddingError.malformed(
          path: path, location: "header",
          reason: "tensor '\(name)' lacks dtype, shape or data_offsets")
      }
      guard offsets[0] >= 0, offsets[0] <= offsets[1], dataStart + offsets[1] <= data.count else {
        throw EmbeddingError.malformed(
          path: path, location: "header",
          reason: "tensor '\(name)' data offsets \(offsets) run past the end of the file")
      }
      entries[name] = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }
    self.entries = entries
  }

  /// The shape of tensor `name`, if present.
  public func shape(of name: String) -> [Int]? { entries[name]?.shape }

  /// The tensor `name` (exact), or the one whose name is `name`, `name.weight` or ends in
  /// `.name.weight` / `.name`, as a matrix (a 1-D tensor is one row).
  ///
  /// - Throws: `EmbeddingError.malformed` if it is absent (listing the names present), not
  ///   1-D/2-D, of an unsupported dtype, or its byte size does not match its shape.
  public func tensor(named name: String) throws -> Matrix {
    let key =
      entries[name] != nil
      ? name
      : entries.keys.sorted().first {
        $0 == "\(name).weight" || $0.hasSuffix(".\(name).weight") || $0.hasSuffix(".\(name)")
      }
    guard let key, let entry = entries[key] else {
      throw EmbeddingError.malformed(
        path: path, location: "header",
        reason: "no tensor named '\(name)' (present: \(names.prefix(20).joined(separator: ", ")))")
    }
    let rows: Int
    let columns: Int
    switch entry.shape.count {
    case 1: (rows, columns) = (1, entry.shape[0])
    case 2: (rows, columns) = (entry.shape[0], entry.shape[1])
    default:
      throw EmbeddingError.malformed(
        path: path, location: "tensor '\(key)'", reason: "shape \(entry.shape) is not 1-D or 2-D")
    }
    let width: Int
    switch entry.dtype {
    case "F32": width = 4
    case "F64": width = 8
    case "F16", "BF16": width = 2
    default:
      throw EmbeddingError.malformed(
        path: path, location: "tensor '\(key)'", reason: "dtype \(entry.dtype) is not a float type")
    }
    guard entry.end - entry.begin == rows * columns * width else {
      throw EmbeddingError.malformed(
        path: path, location: "tensor '\(key)'",
        reason: "shape \(entry.shape) of \(entry.dtype) needs \(rows * columns * width) bytes "
          + "but data_offsets give \(entry.end - entry.begin)")
    }
    let matrix = Matrix(rows: rows, columns: columns)
    data.withUnsafeBytes { raw in
      FloatConversion.convert(
        raw.baseAddress! + dataStart + entry.begin, width: width, bfloat16: entry.dtype == "BF16",
        count: rows * columns, into: matrix.baseAddress)
    }
    return matrix
  }
}
