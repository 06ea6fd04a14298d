import EmbeddingCore
import Foundation

/// safetensors files holding the vectors as one 2-D tensor.
///
/// The file is parsed by EmbeddingCore's `SafetensorsHeader` and written by
/// `SafetensorsFile.write`. We write the tensor `vectors` (F32, rows × dim) and the words,
/// newline-joined, in the metadata key `words` (so the file is self-contained); reading takes
/// `tensorName` (default `vectors`, or the only 2-D tensor) and the words from the metadata or
/// a `.vocab` file. F16, BF16, F32 and F64 tensors are read.
enum SafetensorsFormat {
  static func read(_ file: FileBytes, options: VectorLoadOptions) throws -> WordVectors {
    let path = file.path
    func fail(_ reason: String, at offset: Int = 8) -> EmbeddingError {
      .malformed(path: path, location: "byte \(offset)", reason: reason)
    }
    let header = try SafetensorsHeader(parsing: file.bytes, path: path)
    let name: String
    if let wanted = options.tensorName {
      name = wanted
    } else if header.shape(of: "vectors") != nil {
      name = "vectors"
    } else {
      let matrices = header.names.filter { header.shape(of: $0)?.count == 2 }
      guard matrices.count == 1, let only = matrices.first else {
        throw fail(
          "cannot tell which tensor holds the vectors (2-D tensors: "
            + "\(matrices.joined(separator: ", "))); pass tensorName / --tensor")
      }
      name = only
    }
    let layout = try header.layout(of: name)
    guard layout.shape.count == 2, layout.shape[1] > 0 else {
      throw fail("tensor '\(name)' is not a 2-D matrix")
    }
    let fileRows = layout.shape[0]
    var words: [String]
    var counts: [Int] = []
    var vocabPath = path
    if let joined = header.metadata["words"] {
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
    let matrix = try TensorRows.read(layout, of: file, words: words, options: options)
    return try RowAssembly.finish(
      words: Array(words.prefix(matrix.rows)), matrix: matrix,
      counts: counts.isEmpty ? [] : Array(counts.prefix(matrix.rows)), path: vocabPath,
      options: options
    ) { "word \($0 + 1)" }
  }

  /// Writes tensor `vectors` (F32) with the words in the metadata.
  static func write(_ vectors: WordVectors, to path: String) throws {
    let words = vectors.words
    if let bad = words.firstIndex(where: { $0.contains("\n") }) {
      throw EmbeddingError.invalidArgument(
        "word \(bad + 1) contains a newline, which safetensors metadata cannot separate")
    }
    try SafetensorsFile.write(
      [("vectors", vectors.matrix)],
      metadata: ["words": words.joined(separator: "\n"), "format": "embeddingkit-word-vectors"],
      to: path)
  }
}
