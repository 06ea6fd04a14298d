import EmbeddingCore
import Foundation
import Word2Vec

/// The Doc2Vec model file: everything needed to infer vectors and to train further.
///
/// Layout (little-endian), version 2 (version 1 files, without dmConcat, still load):
/// ```
/// magic    8 bytes  "EKD2VMDL"
/// version  UInt32   2
/// settings UInt32 × 12: dm, vectorSize, window, minCount, negative, hs, dbowWords, dmMean,
///                       maxDocumentWords, normalization (0 none, 1 lowercase, 2 text8), epochs,
///                       dmConcat (version 1: the first 11 only)
///          Float64 sample, Float32 alpha, Float32 minAlpha, UInt64 seed, UInt64 epochsTrained,
///          UInt64 vocabulary size V, UInt64 tag count T
/// words    V × (UInt32 byte length, UTF-8 bytes, UInt64 count), most frequent first
/// tags     T × (UInt32 byte length, UTF-8 bytes)
/// input    V × vectorSize Float32 (word vectors)
/// output   V × vectorSize Float32            (if negative > 0 and not dmConcat)
/// inner    max(V-1, 1) × vectorSize Float32  (if hs and not dmConcat)
/// docs     T × vectorSize Float32            (document vectors)
/// concat   V × S × vectorSize Float32, then max(V-1, 1) × S × vectorSize Float32 (dmConcat,
///          negative > 0 and hs respectively; S = 1 + 2·window segments: document, words)
/// trailer  8 bytes  "EKD2VEND"
/// ```
/// Written atomically; files of a newer version are rejected with a message saying so.
extension Doc2Vec {
  static let fileMagic = Array("EKD2VMDL".utf8)
  static let fileTrailer = Array("EKD2VEND".utf8)
  static let fileVersion: UInt32 = 2

  /// A hex fingerprint of the word and output weights (what inference depends on).
  ///
  /// - Complexity: O(V × vectorSize).
  public var fingerprint: String {
    let w = weights
    var parts: [String] = []
    for (base, r) in [(w.input, w.rows), (w.outputNegative, w.rows), (w.outputHierarchical, 1)] {
      guard let base else { continue }
      parts.append(
        matrixFingerprint(Matrix(borrowing: base, rows: r, columns: w.stride, keepAlive: w)))
    }
    if let o = concatenated, let base = o.negative ?? o.hierarchical {
      parts.append(
        matrixFingerprint(Matrix(borrowing: base, rows: 1, columns: o.width, keepAlive: o)))
    }
    return parts.joined(separator: "")
  }

  /// Saves the model atomically (a crash mid-save leaves any previous file intact).
  ///
  /// - Throws: `EmbeddingError.io` if the file cannot be written.
  /// - Complexity: O((V + T) × vectorSize).
  public func save(to path: String) throws {
    let c = configuration
    try AtomicFile.write(to: path) { out in
      try out.write(Self.fileMagic)
      try out.writeValue(Self.fileVersion)
      for v in [
        c.dm ? 1 : 0, c.vectorSize, c.window, c.minCount, c.negative, c.hs ? 1 : 0,
        c.dbowWords ? 1 : 0, c.dmMean ? 1 : 0, c.maxDocumentWords, Int(c.normalization.code),
        c.epochs, c.dmConcat ? 1 : 0,
      ] {
        try out.writeValue(UInt32(v))
      }
      try out.writeValue(c.sample)
      try out.writeValue(c.alpha)
      try out.writeValue(c.minAlpha)
      try out.writeValue(c.seed)
      try out.writeValue(UInt64(epochsTrained))
      try out.writeValue(UInt64(vocabulary.count))
      try out.writeValue(UInt64(tags.count))
      for (word, count) in zip(vocabulary.words, vocabulary.counts) {
        try out.writeString(word)
        try out.writeValue(UInt64(count))
      }
      for tag in tags { try out.writeString(tag) }
      let w = weights
      let d = c.vectorSize
      let blocks: [(UnsafeMutablePointer<Float>?, Int)] = [
        (w.input, w.rows), (w.outputNegative, w.rows),
        (w.outputHierarchical, max(w.rows - 1, 1)), (documents.base, tags.count),
      ]
      for (base, rows) in blocks {
        guard let base else { continue }
        for r in 0..<rows {
          try out.writeFloats(UnsafeBufferPointer(start: base + r * w.stride, count: d))
        }
      }
      if let o = concatenated {
        for (base, rows) in [(o.negative, o.rows), (o.hierarchical, max(o.rows - 1, 1))] {
          guard let base else { continue }
          for r in 0..<rows {
            for s in 0..<o.segments {
              let segment = base + r * o.width + s * o.stride
              try out.writeFloats(UnsafeBufferPointer(start: segment, count: d))
            }
          }
        }
      }
      try out.write(Self.fileTrailer)
    }
  }

  /// Loads a model saved by `save(to:)`.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable; `.malformed(path, "byte N", reason)` if it is
  ///   not a Doc2Vec model, is truncated or damaged, or is of a newer version.
  /// - Complexity: O(file size).
  public static func load(from path: String) throws -> Doc2Vec {
    try BinaryFileReader.withFile(path: path) { reader in
      try reader.expectTag(
        fileMagic,
        reason: "not an EmbeddingKit Doc2Vec model (no EKD2VMDL header); train one with "
          + "`embed doc2vec train`")
      let version: UInt32 = try reader.value()
      guard version <= fileVersion else {
        throw EmbeddingError.malformed(
          path: path, location: "byte 8",
          reason: "Doc2Vec model version \(version) is newer than this EmbeddingKit reads "
            + "(\(fileVersion)); update EmbeddingKit")
      }
      var f: [Int] = []
      for _ in 0..<(version >= 2 ? 12 : 11) { f.append(Int(try reader.value() as UInt32)) }
      var c = Doc2VecConfiguration()
      c.dm = f[0] != 0
      c.vectorSize = f[1]
      c.window = f[2]
      c.minCount = f[3]
      c.negative = f[4]
      c.hs = f[5] != 0
      c.dbowWords = f[6] != 0
      c.dmMean = f[7] != 0
      c.maxDocumentWords = f[8]
      guard let normalization = WordSplitter.Normalization(code: UInt32(f[9])) else {
        throw EmbeddingError.malformed(
          path: path, location: "byte 48", reason: "unknown word normalisation \(f[9])")
      }
      c.normalization = normalization
      c.epochs = f[10]
      c.dmConcat = version >= 2 && f[11] != 0
      c.sample = try reader.value()
      c.alpha = try reader.value()
      c.minAlpha = try reader.value()
      c.seed = try reader.value()
      do { try c.validate() } catch {
        throw EmbeddingError.malformed(
          path: path, location: "byte 12", reason: "invalid settings: \(error)")
      }
      let epochs = try reader.count(limit: Int(Int32.max), what: "epoch count")
      let limit = reader.bytes.count / 4
      let v = try reader.count(limit: limit, what: "vocabulary size")
      let t = try reader.count(limit: limit, what: "tag count")
      var words: [String] = []
      var counts: [Int] = []
      for _ in 0..<v {
        words.append(try reader.string())
        counts.append(try reader.count(limit: Int.max, what: "word count"))
      }
      var tags: [String] = []
      for _ in 0..<t { tags.append(try reader.string()) }
      let vocabulary: Word2VecVocabulary
      do { vocabulary = try Word2VecVocabulary(words: words, counts: counts) } catch {
        throw EmbeddingError.malformed(path: path, location: "vocabulary", reason: "\(error)")
      }
      guard Set(tags).count == tags.count else {
        throw EmbeddingError.malformed(path: path, location: "tags", reason: "a tag repeats")
      }
      guard !c.dmConcat || vocabulary.index(of: nullWordString) != nil else {
        throw EmbeddingError.malformed(
          path: path, location: "vocabulary", reason: "a dmConcat model without its null word")
      }
      let (weights, concatenated) = allocateLayers(rows: v, c)
      let documents = PaddedRows(rows: t, dimension: c.vectorSize)
      let d = c.vectorSize
      let blocks: [(UnsafeMutablePointer<Float>?, Int)] = [
        (weights.input, v), (weights.outputNegative, v),
        (weights.outputHierarchical, max(v - 1, 1)), (documents.base, t),
      ]
      for (base, rows) in blocks {
        guard let base else { continue }
        let raw = try reader.bytes(rows * d * 4)
        for r in 0..<rows {
          UnsafeMutableRawPointer(base + r * weights.stride).copyMemory(
            from: raw.baseAddress! + r * d * 4, byteCount: d * 4)
        }
      }
      if let o = concatenated {
        for (base, rows) in [(o.negative, o.rows), (o.hierarchical, max(o.rows - 1, 1))] {
          guard let base else { continue }
          let raw = try reader.bytes(rows * o.segments * d * 4)
          for r in 0..<rows {
            for s in 0..<o.segments {
              UnsafeMutableRawPointer(base + r * o.width + s * o.stride).copyMemory(
                from: raw.baseAddress! + (r * o.segments + s) * d * 4, byteCount: d * 4)
            }
          }
        }
      }
      try reader.expectTag(fileTrailer, reason: "missing EKD2VEND trailer (file damaged?)")
      return Doc2Vec(
        configuration: c, vocabulary: vocabulary, tags: tags, weights: weights,
        concatenated: concatenated, documents: documents, epochsTrained: epochs)
    }
  }
}
