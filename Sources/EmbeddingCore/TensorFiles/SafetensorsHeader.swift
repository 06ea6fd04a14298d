import Foundation

/// The parsed, checked header of a `.safetensors` file (Hugging Face's format).
///
/// Layout: a little-endian UInt64 `N`, an `N`-byte JSON header mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the end of the
/// header) plus an optional `"__metadata__"` string map, then the tensor bytes. Every
/// tensor's byte range is checked to lie inside the file; float tensors (F16, BF16, F32, F64)
/// are also checked to hold exactly the bytes their shape needs.
///
/// ```swift
/// let header = try SafetensorsHeader(parsing: bytes, path: "model.safetensors")
/// let layout = try header.layout(of: "wte.weight")
/// ```
public struct SafetensorsHeader: Sendable {
  /// The file's path (for error messages).
  public let path: String
  /// The `__metadata__` map (empty when absent or not all strings).
  public let metadata: [String: String]
  /// Byte offset where tensor data begins (8 + header length).
  public let dataStart: Int
  private let entries: [String: Entry]

  private struct Entry: Sendable {
    let dtype: String
    let shape: [Int]
    let begin: Int
    let end: Int
  }

  /// Tensor names in the file (sorted).
  public var names: [String] { entries.keys.sorted() }

  /// Parses the header of the safetensors file in `bytes`.
  ///
  /// - Throws: `EmbeddingError.malformed(path:location:reason:)` with a byte offset when the
  ///   header length, JSON or a tensor's entry is wrong.
  public init(parsing bytes: UnsafeRawBufferPointer, path: String) throws {
    try self.init(parsing: bytes, fileSize: bytes.count, path: path)
  }

  /// Parses a header from `bytes`, the file's first bytes (at least the 8-byte length and
  /// the JSON), checking every tensor's range against `fileSize`, the whole file's length.
  ///
  /// - Throws: as `init(parsing:path:)`; also when `bytes` stops before the JSON ends.
  init(parsing bytes: UnsafeRawBufferPointer, fileSize: Int, path: String) throws {
    self.path = path
    func fail(_ reason: String, at offset: Int) -> EmbeddingError {
      .malformed(path: path, location: "byte \(offset)", reason: reason)
    }
    guard bytes.count >= 8, fileSize >= bytes.count else {
      throw fail("file too short for a safetensors header", at: 0)
    }
    let length = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    guard length <= UInt64(fileSize - 8) else {
      throw fail(
        "header length \(length) runs past the end of the file (\(fileSize) bytes); "
          + "not a safetensors file?", at: 0)
    }
    guard length <= UInt64(bytes.count - 8) else {
      throw fail("the header was cut short while reading (\(bytes.count) bytes)", at: 8)
    }
    dataStart = 8 + Int(length)
    guard
      let object = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        as? [String: Any]
    else { throw fail("the header is not a JSON object", at: 8) }
    metadata = object["__metadata__"] as? [String: String] ?? [:]
    let available = fileSize - dataStart
    var entries: [String: Entry] = [:]
    for (name, value) in object where name != "__metadata__" {
      guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int],
        offsets.count == 2
      else { throw fail("tensor '\(name)' lacks dtype, shape or data_offsets", at: 8) }
      guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= available else {
        throw fail(
          "tensor '\(name)' needs bytes \(offsets) after the header but the file has "
            + "\(available); it is truncated or the header is wrong", at: fileSize)
      }
      guard shape.allSatisfy({ $0 >= 0 }) else {
        throw fail("tensor '\(name)' has a negative dimension in shape \(shape)", at: 8)
      }
      if let type = TensorDType(safetensorsName: dtype) {
        let needed = TensorLayout.byteCount(of: shape, width: type.byteWidth)
        guard needed == offsets[1] - offsets[0] else {
          throw fail(
            "tensor '\(name)' (shape \(shape), \(dtype)) needs "
              + "\(needed.map(String.init) ?? "too many") bytes but data_offsets give "
              + "\(offsets[1] - offsets[0])", at: 8)
        }
      }
      entries[name] = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }
    self.entries = entries
  }

  /// The shape of tensor `name`, if present.
  public func shape(of name: String) -> [Int]? { entries[name]?.shape }

  /// The dtype name (`F32`, `I64`…) of tensor `name`, if present.
  public func dtypeName(of name: String) -> String? { entries[name]?.dtype }

  /// `name` if present, else the first (sorted) name that is `name.weight` or ends in
  /// `.name.weight` / `.name` (GPT-2 checkpoints say `wte.weight`, `transformer.wte.weight`).
  public func resolve(_ name: String) -> String? {
    if entries[name] != nil { return name }
    return names.first {
      $0 == "\(name).weight" || $0.hasSuffix(".\(name).weight") || $0.hasSuffix(".\(name)")
    }
  }

  /// Where tensor `name` (exact) lies in the file.
  ///
  /// - Throws: `EmbeddingError.malformed` if it is absent (listing the names present) or not
  ///   a float type.
  public func layout(of name: String) throws -> TensorLayout {
    guard let entry = entries[name] else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 8",
        reason: "no tensor named '\(name)' (present: \(names.prefix(20).joined(separator: ", ")))")
    }
    guard let dtype = TensorDType(safetensorsName: entry.dtype) else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 8",
        reason: "tensor '\(name)' has dtype \(entry.dtype); F16, BF16, F32 or F64 expected")
    }
    return TensorLayout(
      dtype: dtype, shape: entry.shape, fortranOrder: false, offset: dataStart + entry.begin,
      byteCount: entry.end - entry.begin)
  }
}
