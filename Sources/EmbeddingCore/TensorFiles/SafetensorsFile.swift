import Foundation

/// Reads named float tensors from a `.safetensors` file, and writes float32 ones.
///
/// F32, F16, BF16 and F64 are read (converted to `Float`); see `SafetensorsHeader` for the
/// layout and the checks made. GPT-2's checkpoint names its embeddings `wte.weight` and
/// `wpe.weight` (or `transformer.wte.weight`); `tensor(named: "wte")` finds any of them.
///
/// ```swift
/// let file = try SafetensorsFile(path: "model.safetensors")
/// let wte = try file.tensor(named: "wte")   // Matrix 50257 × 768
/// try SafetensorsFile.write([("wte", wte)], to: "copy.safetensors")
/// ```
public struct SafetensorsFile: Sendable {
  /// The file's path.
  public let path: String
  /// The parsed header.
  public let header: SafetensorsHeader

  /// Tensor names in the file (sorted).
  public var names: [String] { header.names }

  /// Opens the file and parses its header. Tensors are read on demand with `pread` in 1 MiB
  /// chunks, so loading a model keeps only the converted copies resident (a memory map would
  /// add the whole file to the peak RSS).
  ///
  /// - Throws: `EmbeddingError.io` if unreadable, `.malformed` if the header is not valid.
  public init(path: String) throws {
    self.path = path
    let file = try PositionalFileReader(path: path)
    guard file.size >= 8 else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 0", reason: "file too short for a safetensors header")
    }
    var length: UInt64 = 0
    try withUnsafeMutableBytes(of: &length) { try file.read(into: $0, at: 0) }
    length = UInt64(littleEndian: length)
    // A length past the end of the file: hand the parser the 8 bytes, it names the fault.
    let wanted = length <= UInt64(file.size - 8) ? 8 + Int(length) : 8
    let prefix = try [UInt8](unsafeUninitializedCapacity: wanted) {
      buffer, initialized in
      initialized = 0
      try file.read(into: UnsafeMutableRawBufferPointer(buffer), at: 0)
      initialized = buffer.count
    }
    header = try prefix.withUnsafeBytes {
      try SafetensorsHeader(parsing: $0, fileSize: file.size, path: path)
    }
  }

  /// The shape of tensor `name`, if present.
  public func shape(of name: String) -> [Int]? { header.shape(of: name) }

  /// The tensor `name` (exact), or the one whose name is `name.weight` or ends in
  /// `.name.weight` / `.name`, as a matrix (a 1-D tensor is one row).
  ///
  /// - Throws: `EmbeddingError.malformed` if it is absent (listing the names present), not
  ///   1-D/2-D or of an unsupported dtype; `.io` if the file changed since it was opened.
  public func tensor(named name: String) throws -> Matrix {
    let layout = try header.layout(of: header.resolve(name) ?? name)
    guard let (rows, columns) = layout.matrixShape else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 8",
        reason: "tensor '\(name)' has shape \(layout.shape), which is not 1-D or 2-D")
    }
    let matrix = Matrix(rows: rows, columns: columns)
    let rowBytes = columns * layout.dtype.byteWidth
    guard rows > 0, rowBytes > 0 else { return matrix }
    // Whole rows per chunk (safetensors is row-major), about 1 MiB at a time.
    let rowsPerChunk = max(1, (1 << 20) / rowBytes)
    let file = try PositionalFileReader(path: path)
    try file.forEachChunk(
      of: layout.offset..<(layout.offset + layout.byteCount), chunk: rowsPerChunk * rowBytes
    ) { bytes, at in
      let first = (at - layout.offset) / rowBytes
      for r in 0..<(bytes.count / rowBytes) {
        TensorLayout.convert(
          bytes.baseAddress! + r * rowBytes, dtype: layout.dtype, count: columns,
          into: matrix.rowPointer(first + r))
      }
    }
    return matrix
  }

  /// Writes `tensors` as F32 (2-D, rows × columns) with string `metadata`, data 8-byte aligned.
  ///
  /// ```swift
  /// try SafetensorsFile.write([("vectors", m)], metadata: ["format": "x"], to: "v.safetensors")
  /// ```
  /// - Throws: `EmbeddingError.io` if the file cannot be written (the old file is kept).
  public static func write(
    _ tensors: [(name: String, matrix: Matrix)], metadata: [String: String] = [:],
    to path: String
  ) throws {
    var header: [String: Any] = [:]
    var offset = 0
    for (name, matrix) in tensors {
      let bytes = matrix.count * 4
      header[name] = [
        "dtype": "F32", "shape": [matrix.rows, matrix.columns],
        "data_offsets": [offset, offset + bytes],
      ]
      offset += bytes
    }
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    // Pad with spaces so the tensor data starts 8-byte aligned.
    json.append(contentsOf: [UInt8](repeating: 32, count: (8 - json.count % 8) % 8))
    try AtomicFile.write(to: path) { out in
      try out.writeValue(UInt64(json.count).littleEndian)
      try json.withUnsafeBytes { try out.write($0) }
      for (_, matrix) in tensors {
        try out.write(UnsafeRawBufferPointer(start: matrix.baseAddress, count: matrix.count * 4))
      }
    }
  }
}
