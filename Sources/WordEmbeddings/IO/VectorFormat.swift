import EmbeddingCore
import Foundation

/// The word-vector file formats EmbeddingKit reads and writes.
///
/// Reading detects the format from the file's content (magic bytes, header line, whether
/// the first row is text), so `format` is only needed to write, or to read a headerless
/// GloVe file whose first line happens to be two integers.
///
/// ```swift
/// let wv = try WordVectors.load(contentsOf: "glove.6B.100d.txt")        // detected: GloVe
/// try wv.write(to: "glove.ekv", format: .native)                        // opens in ms
/// ```
public enum VectorFormat: String, Sendable, CaseIterable {
  /// word2vec C binary: `count dim\n`, then per row the word, a space, dim float32, `\n`.
  case word2vecBinary = "word2vec-binary"
  /// word2vec text: `count dim\n`, then per line the word and dim decimal values.
  case word2vecText = "word2vec-text"
  /// fastText `.vec`: word2vec text whose lines end with a space (as fastText writes them).
  case fastTextVec = "fasttext-vec"
  /// GloVe text: like word2vec text, without the header line.
  case glove
  /// NumPy `.npy` float32 matrix (rows × dim) plus a vocabulary file beside it.
  case npy
  /// safetensors with one 2-D float32 tensor (`vectors`); words in its metadata.
  case safetensors
  /// EmbeddingKit's own memory-mapped format (`.ekv`): opens in milliseconds.
  case native

  /// The format suggested by a file name's extension, if any (used to pick a format for
  /// writing when none is given).
  public static func guess(fromPathExtension path: String) -> VectorFormat? {
    var name = path.lowercased()
    for suffix in [".gz", ".xz"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
    switch (name as NSString).pathExtension {
    case "bin": return .word2vecBinary
    case "vec": return .fastTextVec
    case "txt": return .word2vecText
    case "npy": return .npy
    case "safetensors": return .safetensors
    case "ekv": return .native
    default: return nil
    }
  }

  /// Detects the format of a file from its first bytes.
  ///
  /// - Throws: `EmbeddingError.malformed` if the content matches no known format.
  public static func detect(path: String) throws -> VectorFormat {
    try detect(FileBytes(path: path))
  }

  static func detect(_ file: FileBytes) throws -> VectorFormat {
    let b = file.bytes
    let n = b.count
    if n >= 8 && NativeFormat.hasMagic(b) { return .native }
    if n >= 6 && b[0] == 0x93 && Array(b[1..<6]) == Array("NUMPY".utf8) { return .npy }
    if n >= 9 && b[8] == UInt8(ascii: "{") {
      let headerLength = b.loadUnaligned(as: UInt64.self)
      if headerLength > 1 && headerLength < UInt64(n) { return .safetensors }
    }
    if let header = Word2VecHeader.parse(b) {
      // The value count is not checked against the header: a text file whose header is
      // wrong should be read as text and fail with a line number, not as binary.
      return firstRowIsText(b, from: header.end)
        ? .word2vecText : .word2vecBinary
    }
    if firstRowIsText(b, from: 0) { return .glove }
    throw EmbeddingError.malformed(
      path: file.path, location: "byte 0",
      reason: "not a known vector format (word2vec binary/text, GloVe, fastText .vec, .npy, "
        + "safetensors or native .ekv)")
  }

  /// Whether the line at `start` is a word followed by one or more decimal values.
  private static func firstRowIsText(
    _ b: UnsafeRawBufferPointer, from start: Int
  ) -> Bool {
    let p = b.bindMemory(to: UInt8.self)
    var end = start
    let cap = min(p.count, start + (1 << 20))
    while end < cap && p[end] != UInt8(ascii: "\n") { end += 1 }
    guard end > start, let base = p.baseAddress else { return false }
    var fields: [(Int, Int)] = []
    var i = start
    while i < end {
      while i < end && (p[i] == 32 || p[i] == 9 || p[i] == 13) { i += 1 }
      let s = i
      while i < end && !(p[i] == 32 || p[i] == 9 || p[i] == 13) { i += 1 }
      if i > s { fields.append((s, i)) }
    }
    guard fields.count >= 2 else { return false }
    for (s, e) in fields.dropFirst() where DecimalText.parse(base + s, e - s) == nil {
      return false
    }
    return true
  }
}

extension WordVectors {
  /// Loads word vectors from a file.
  ///
  /// Loads word vectors from a file in any supported format (detected from its content
  /// unless `format` is given). `.gz` and `.xz` text/binary files are decompressed.
  ///
  /// ```swift
  /// let wv = try WordVectors.load(contentsOf: "vectors.bin", options: .init(limit: 50_000))
  /// ```
  /// - Throws: `EmbeddingError.io` if the file cannot be read, `.malformed` (with the line or
  ///   byte offset) if its content is damaged.
  /// - Complexity: O(file size) for every format but `.native`, which maps the file and
  ///   costs O(1) to open.
  public static func load(
    contentsOf path: String, format: VectorFormat? = nil,
    options: VectorLoadOptions = VectorLoadOptions()
  ) throws -> WordVectors {
    if let limit = options.limit, limit < 0 {
      throw EmbeddingError.invalidArgument("limit must be 0 or more, not \(limit)")
    }
    let file = try FileBytes(path: path)
    let format = try format ?? VectorFormat.detect(file)
    switch format {
    case .word2vecBinary:
      return try Word2VecBinaryFormat.read(file, options: options)
    case .word2vecText, .fastTextVec:
      return try TextVectorFormat.read(file, hasHeader: true, options: options)
    case .glove:
      return try TextVectorFormat.read(file, hasHeader: false, options: options)
    case .npy:
      return try NumpyFormat.read(file, options: options)
    case .safetensors:
      return try SafetensorsFormat.read(file, options: options)
    case .native:
      return try NativeFormat.read(path: path, options: options)
    }
  }

  /// Loads a word2vec file (binary or text), the way gensim's `load_word2vec_format` does.
  ///
  /// ```swift
  /// let wv = try WordVectors.loadWord2Vec(path: "vectors.bin", binary: true, limit: 10_000)
  /// ```
  public static func loadWord2Vec(path: String, binary: Bool, limit: Int? = nil) throws
    -> WordVectors
  {
    try load(
      contentsOf: path, format: binary ? .word2vecBinary : .word2vecText,
      options: VectorLoadOptions(limit: limit))
  }

  /// Writes the vectors atomically (a temporary file renamed over `path`).
  ///
  /// For `.npy` the vocabulary goes to `<path without .npy>.vocab` (one word per line,
  /// with its count when known). Text and word2vec formats need words without whitespace.
  ///
  /// ```swift
  /// try wv.write(to: "vectors.bin", format: .word2vecBinary)
  /// ```
  /// - Throws: `EmbeddingError.io` if writing fails, `.invalidArgument` if a word cannot be
  ///   stored in `format`.
  public func write(to path: String, format: VectorFormat) throws {
    switch format {
    case .word2vecBinary: try Word2VecBinaryFormat.write(self, to: path)
    case .word2vecText: try TextVectorFormat.write(self, to: path, header: true)
    case .fastTextVec:
      try TextVectorFormat.write(self, to: path, header: true, trailingSpace: true)
    case .glove: try TextVectorFormat.write(self, to: path, header: false)
    case .npy: try NumpyFormat.write(self, to: path)
    case .safetensors: try SafetensorsFormat.write(self, to: path)
    case .native: try NativeFormat.write(self, to: path)
    }
  }

  /// Writes a word2vec file, binary or text (gensim's `save_word2vec_format`).
  public func writeWord2Vec(to path: String, binary: Bool) throws {
    try write(to: path, format: binary ? .word2vecBinary : .word2vecText)
  }
}
