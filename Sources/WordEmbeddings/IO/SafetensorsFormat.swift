import EmbeddingCore
import Foundation

/// safetensors files holding the vectors as one 2-D tensor.
///
/// Layout: a little-endian UInt64 `N`, an `N`-byte JSON header mapping tensor names to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the end of the
/// header) plus an optional `"__metadata__"` string map, then the tensor bytes.
/// We write the tensor `vectors` (F32, rows × dim) and the words, newline-joined, in the
/// metadata key `words` (so the file is self-contained); reading takes `tensorName` (default
/// `vectors`, or the only 2-D tensor) and the words from the metadata or a `.vocab` file.
enum SafetensorsFormat {
  static func read(_ file: FileBytes, options: VectorLoadOptions) throws -> WordVectors {
    let path = file.path
    let b = file.bytes
    func fail(_ reason: String, at offset: Int = 0) -> EmbeddingError {
      .malformed(path: path, location: "byte \(offset)", reason: reason)
    }
    guard b.count >= 8 else { throw fail("file too short for a safetensors header") }
    let headerLength = b.loadUnaligned(as: UInt64.self).littleEndian
    guard headerLength <= UInt64(b.count - 8) else {
      throw fail("header length \(headerLength) runs past the end of the file (\(b.count) bytes)")
    }
    let dataStart = 8 + Int(headerLength)
    guard
      let json = try? JSONSerialization.jsonObject(
        with: Data(b[8..<dataStart])) as? [String: Any]
    else { throw fail("the header is not a JSON object", at: 8) }
    let tensors = json.filter { $0.key != "__metadata__" }
    let name: String
    if let wanted = options.tensorName {
      name = wanted
    } else if tensors["vectors"] != nil {
      name = "vectors"
    } else {
      let matrices = tensors.filter {
        (($0.value as? [String: Any])?["shape"] as? [Int])?.count == 2
      }
      guard matrices.count == 1, let only = matrices.first?.key else {
        throw fail(
          "cannot tell which tensor holds the vectors (2-D tensors: "
            + "\(matrices.keys.sorted().joined(separator: ", "))); pass tensorName / --tensor",
          at: 8)
      }
      name = only
    }
    guard let info = tensors[name] as? [String: Any] else {
      throw fail(
        "no tensor named '\(name)' (tensors: \(tensors.keys.sorted().joined(separator: ", ")))",
        at: 8)
    }
    guard let shape = info["shape"] as? [Int], shape.count == 2, shape[0] >= 0, shape[1] > 0 else {
      throw fail("tensor '\(name)' is not a 2-D matrix", at: 8)
    }
    guard let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
      throw fail("tensor '\(name)' has no data_offsets", at: 8)
    }
    let dtype = info["dtype"] as? String ?? "?"
    let elementSize: Int
    switch dtype {
    case "F32": elementSize = 4
    case "F64": elementSize = 8
    default: throw fail("tensor '\(name)' has dtype \(dtype); F32 or F64 expected", at: 8)
    }
    let (fileRows, dim) = (shape[0], shape[1])
    let (rowBytes, overflow1) = dim.multipliedReportingOverflow(by: elementSize)
    let (bytes, overflow2) = fileRows.multipliedReportingOverflow(by: rowBytes)
    guard !overflow1, !overflow2, offsets[0] >= 0, offsets[1] >= offsets[0],
      offsets[1] <= b.count - dataStart, offsets[1] - offsets[0] == bytes
    else {
      throw fail(
        "tensor '\(name)' (\(fileRows)×\(dim) \(dtype)) needs bytes \(offsets) after the header "
          + "but the file has \(b.count - dataStart); it is truncated or the header is wrong",
        at: b.count)
    }
    var words: [String]
    var counts: [Int] = []
    var vocabPath = path
    if let metadata = json["__metadata__"] as? [String: String], let joined = metadata["words"] {
      words =
        joined.isEmpty
        ? [] : joined.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    } else {
      vocabPath = options.vocabularyPath ?? VocabularyFile.defaultPath(for: path)
      (words, counts) = try VocabularyFile.read(path: vocabPath)
    }
    guard words.count == fileRows else {
      throw EmbeddingError.malformed(
        path: vocabPath, location: "byte 8",
        reason: "\(words.count) words for a tensor of \(fileRows) rows")
    }
    let rows = min(fileRows, options.limit ?? Int.max)
    guard let base = b.baseAddress else { throw fail("empty file") }
    let data = base + dataStart + offsets[0]
    let matrix = Matrix(rows: rows, columns: dim)
    for r in 0..<rows {
      let target = matrix.rowPointer(r)
      if elementSize == 4 {
        UnsafeMutableRawPointer(target).copyMemory(from: data + r * dim * 4, byteCount: dim * 4)
      } else {
        for c in 0..<dim {
          target[c] = Float(
            Double(
              bitPattern: data.loadUnaligned(fromByteOffset: (r * dim + c) * 8, as: UInt64.self)
                .littleEndian))
        }
      }
      if options.nonFinite == .reject, let bad = RowAssembly.firstNonFinite(target, dim) {
        throw fail(
          "value \(bad + 1) of row \(r + 1) ('\(words[r])') is \(target[bad]); "
            + "use nonFinite: .allow (--allow-non-finite) to keep it",
          at: dataStart + offsets[0] + (r * dim + bad) * elementSize)
      }
    }
    return try RowAssembly.finish(
      words: Array(words.prefix(rows)), matrix: matrix,
      counts: counts.isEmpty ? [] : Array(counts.prefix(rows)), path: vocabPath, options: options
    ) { "word \($0 + 1)" }
  }

  /// Writes tensor `vectors` (F32) with the words in the metadata.
  static func write(_ vectors: WordVectors, to path: String) throws {
    let words = vectors.words
    if let bad = words.firstIndex(where: { $0.contains("\n") }) {
      throw EmbeddingError.invalidArgument(
        "word \(bad + 1) contains a newline, which safetensors metadata cannot separate")
    }
    let byteCount = vectors.count * vectors.dimension * 4
    let header: [String: Any] = [
      "vectors": [
        "dtype": "F32", "shape": [vectors.count, vectors.dimension],
        "data_offsets": [0, byteCount],
      ],
      "__metadata__": [
        "words": words.joined(separator: "\n"), "format": "embeddingkit-word-vectors",
      ],
    ]
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    // Pad with spaces so the tensor data starts 8-byte aligned.
    json.append(contentsOf: [UInt8](repeating: 32, count: (8 - json.count % 8) % 8))
    try AtomicFile.write(to: path) { out in
      try out.writeValue(UInt64(json.count).littleEndian)
      try json.withUnsafeBytes { try out.write($0) }
      try out.write(UnsafeRawBufferPointer(vectors.matrix.buffer))
    }
  }
}
