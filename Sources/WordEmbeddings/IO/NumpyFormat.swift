import EmbeddingCore
import Foundation

/// NumPy `.npy` files holding a 2-D matrix (rows × dim), with the words in a vocabulary
/// file beside it (`vectors.npy` + `vectors.vocab`, see `VocabularyFile`).
///
/// The array itself is read and written by EmbeddingCore's `NumpyArrayFile` (versions 1–3,
/// little-endian float16/32/64, C or Fortran order; writes `<f4`, C order).
enum NumpyFormat {
  static func read(_ file: FileBytes, options: VectorLoadOptions) throws -> WordVectors {
    let path = file.path
    let layout = try NumpyArrayFile.layout(of: file.bytes, path: path)
    guard layout.shape.count == 2 else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 8",
        reason: "expected a 2-D matrix (rows, dim), found shape \(layout.shape)")
    }
    let (fileRows, dim) = (layout.shape[0], layout.shape[1])
    guard dim > 0 else {
      throw EmbeddingError.malformed(
        path: path, location: "byte \(layout.offset)",
        reason: "shape (\(fileRows), \(dim)) has no columns")
    }
    let vocabPath = options.vocabularyPath ?? VocabularyFile.defaultPath(for: path)
    let vocab = try VocabularyFile.read(path: vocabPath)
    guard vocab.words.count == fileRows else {
      throw EmbeddingError.malformed(
        path: vocabPath, location: "line \(vocab.words.count)",
        reason: "\(vocab.words.count) words for a matrix of \(fileRows) rows (\(path))")
    }
    let matrix = try TensorRows.read(layout, of: file, words: vocab.words, options: options)
    return try RowAssembly.finish(
      words: Array(vocab.words.prefix(matrix.rows)), matrix: matrix,
      counts: vocab.counts.isEmpty ? [] : Array(vocab.counts.prefix(matrix.rows)),
      path: vocabPath, options: options
    ) { "line \($0 + 1)" }
  }

  /// Writes the matrix as `<f4` (format 1.0) and the words to `<path without .npy>.vocab`.
  static func write(_ vectors: WordVectors, to path: String) throws {
    try NumpyArrayFile.write(vectors.matrix, to: path)
    try VocabularyFile.write(vectors, to: VocabularyFile.defaultPath(for: path))
  }
}

/// Copies the rows of a 2-D tensor into a matrix, honouring `limit` and `nonFinite`.
enum TensorRows {
  /// The first `options.limit` rows of `layout` (2-D, checked by the caller).
  ///
  /// - Throws: `EmbeddingError.malformed` at the byte of a non-finite value unless allowed.
  static func read(
    _ layout: TensorLayout, of file: FileBytes, words: [String], options: VectorLoadOptions
  ) throws -> Matrix {
    let (fileRows, dim) = (layout.shape[0], layout.shape[1])
    let rows = min(fileRows, options.limit ?? Int.max)
    let matrix = Matrix(rows: rows, columns: dim)
    for r in 0..<rows {
      let target = matrix.rowPointer(r)
      layout.copyRow(r, from: file.bytes, into: target)
      if options.nonFinite == .reject, let bad = RowAssembly.firstNonFinite(target, dim) {
        throw EmbeddingError.malformed(
          path: file.path,
          location: "byte \(layout.offset + (r * dim + bad) * layout.dtype.byteWidth)",
          reason: "value \(bad + 1) of row \(r + 1) ('\(words[r])') is \(target[bad]); "
            + "use nonFinite: .allow (--allow-non-finite) to keep it")
      }
    }
    return matrix
  }
}
