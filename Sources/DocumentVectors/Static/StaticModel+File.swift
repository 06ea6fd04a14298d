import EmbeddingCore
import Foundation
import Tokenization

/// How `StaticModel.save` stores the rows.
public enum StaticRowPrecision: String, Sendable, CaseIterable {
  /// 4 bytes a value, exact.
  case float32
  /// 1 byte a value and one float scale per row (max |x| / 127): a quarter of the size, cosine
  /// to the float rows above 0.9999.
  case int8
}

/// The static model file (`.eks`; xz-compressed files load too).
///
/// Layout (little-endian), version 1:
/// ```
/// magic            8 bytes  "EKSTATIC"
/// version          UInt32   1
/// precision        UInt32   0 float32, 1 int8
/// vocabulary V     UInt64   (rows: token id = row)
/// dimension d      UInt64
/// sourceModel      string   (UInt32 length + UTF-8: the transformer's name)
/// sourceFingerprint string  (the transformer's weights fingerprint)
/// weighting        string   ("sif a=0.0001", "zipf", "none")
/// explainedVariance Float64 (share of the token vectors' variance the d components keep)
/// removedTokens    UInt64
/// tokenizer flags  UInt32   bit 0 lowercase, bit 1 strip accents given, bit 2 its value,
///                           bit 3 split CJK characters, bit 4 clean text
/// maxCharsPerWord  UInt32
/// special tokens   5 strings: unknown, class, separator, padding, continuing-subword prefix
/// added tokens     UInt32 count + strings (e.g. "[MASK]")
/// vocabulary       V strings, in id order (the WordPiece vocab.txt)
/// weights          V × Float32
/// rows             float32: V × d Float32
///                  int8:    V × Float32 scales, then V × d Int8 (row ≈ scale · q)
/// trailer          8 bytes  "EKSTAEND"
/// ```
/// Files of a newer version are rejected with a message saying so.
extension StaticModel {
  static let fileMagic = Array("EKSTATIC".utf8)
  static let fileTrailer = Array("EKSTAEND".utf8)
  static let fileVersion: UInt32 = 1

  /// Saves the model atomically, its rows in `precision`.
  ///
  /// - Throws: `EmbeddingError.io` if the file cannot be written.
  /// - Complexity: O(V × d).
  public func save(to path: String, precision: StaticRowPrecision = .float32) throws {
    let v = rows.rows
    let d = rows.columns
    var tokens: [String] = []
    tokens.reserveCapacity(v)
    for id in 0..<Int32(v) {
      guard let token = tokenizer.token(of: id) else {
        throw EmbeddingError.invalidArgument("token id \(id) has no token; cannot save")
      }
      tokens.append(token)
    }
    let o = tokenizer.options
    var flags: UInt32 = 0
    if o.lowercase { flags |= 1 }
    if let strip = o.stripAccents { flags |= 2 | (strip ? 4 : 0) }
    if o.tokenizeChineseChars { flags |= 8 }
    if o.cleanText { flags |= 16 }
    try AtomicFile.write(to: path) { out in
      try out.write(Self.fileMagic)
      try out.writeValue(Self.fileVersion)
      try out.writeValue(UInt32(precision == .int8 ? 1 : 0))
      try out.writeValue(UInt64(v))
      try out.writeValue(UInt64(d))
      try out.writeString(metadata.sourceModel)
      try out.writeString(metadata.sourceFingerprint)
      try out.writeString(metadata.weighting)
      try out.writeValue(metadata.explainedVariance)
      try out.writeValue(UInt64(metadata.removedTokens))
      try out.writeValue(flags)
      try out.writeValue(UInt32(clamping: o.maxInputCharsPerWord))
      for s in [
        o.unknownToken, o.classToken, o.separatorToken, o.paddingToken, o.continuingSubwordPrefix,
      ] {
        try out.writeString(s)
      }
      try out.writeValue(UInt32(o.additionalSpecialTokens.count))
      for s in o.additionalSpecialTokens { try out.writeString(s) }
      for t in tokens { try out.writeString(t) }
      try weights.withUnsafeBufferPointer { try out.writeFloats($0) }
      switch precision {
      case .float32:
        try out.writeFloats(UnsafeBufferPointer(rows.buffer))
      case .int8:
        let (scales, values) = quantizedRows()
        try scales.withUnsafeBufferPointer { try out.writeFloats($0) }
        try values.withUnsafeBytes { try out.write($0) }
      }
      try out.write(Self.fileTrailer)
    }
  }

  /// Per-row symmetric int8: scale = max |x| / 127, q = round(x / scale).
  func quantizedRows() -> (scales: [Float], values: [Int8]) {
    let d = rows.columns
    var scales = [Float](repeating: 0, count: rows.rows)
    var values = [Int8](repeating: 0, count: rows.rows * d)
    for r in 0..<rows.rows {
      let row = rows.rowPointer(r)
      var peak: Float = 0
      for c in 0..<d { peak = max(peak, abs(row[c])) }
      guard peak > 0 else { continue }
      let scale = peak / 127
      scales[r] = scale
      for c in 0..<d { values[r * d + c] = Int8((row[c] / scale).rounded()) }
    }
    return (scales, values)
  }

  /// Loads a model saved by `save(to:)`, plain or xz/gzip-compressed.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable; `.malformed(path, "byte N", reason)` if it is
  ///   not a static model, is truncated or damaged, or is of a newer version.
  /// - Complexity: O(file size); int8 rows are expanded to float32 in memory (4 × V × d bytes).
  public static func load(from path: String) throws -> StaticModel {
    let bytes = try ByteStream.readAll(path: path)
    return try bytes.withUnsafeBytes { raw in
      var reader = BinaryFileReader(bytes: raw, path: path)
      return try read(&reader)
    }
  }

  private static func read(_ reader: inout BinaryFileReader) throws -> StaticModel {
    let path = reader.path
    func damaged(_ at: Int, _ reason: String) -> EmbeddingError {
      .malformed(path: path, location: "byte \(at)", reason: reason)
    }
    try reader.expectTag(
      fileMagic,
      reason: "not an EmbeddingKit static model (no EKSTATIC header); make one with `embed distill`"
    )
    let version: UInt32 = try reader.value()
    guard version <= fileVersion else {
      throw damaged(
        8,
        "static model version \(version) is newer than this EmbeddingKit reads (\(fileVersion)); "
          + "update EmbeddingKit")
    }
    let precisionCode: UInt32 = try reader.value()
    guard precisionCode <= 1 else { throw damaged(12, "unknown row precision \(precisionCode)") }
    let limit = reader.bytes.count
    let v = try reader.count(limit: limit / 4, what: "vocabulary size")
    let d = try reader.count(limit: limit, what: "dimension")
    guard v >= 1, d >= 1, v.multipliedReportingOverflow(by: d).partialValue <= limit,
      !v.multipliedReportingOverflow(by: d).overflow
    else { throw damaged(16, "bad shape \(v) × \(d) for a \(limit)-byte file") }
    let sourceModel = try reader.string()
    let sourceFingerprint = try reader.string()
    let weighting = try reader.string()
    let explained: Double = try reader.value()
    let removed = try reader.count(limit: v, what: "removed token count")
    let flags: UInt32 = try reader.value()
    var options = WordPieceOptions()
    options.lowercase = flags & 1 != 0
    options.stripAccents = flags & 2 != 0 ? flags & 4 != 0 : nil
    options.tokenizeChineseChars = flags & 8 != 0
    options.cleanText = flags & 16 != 0
    options.maxInputCharsPerWord = Int(try reader.value() as UInt32)
    options.unknownToken = try reader.string()
    options.classToken = try reader.string()
    options.separatorToken = try reader.string()
    options.paddingToken = try reader.string()
    options.continuingSubwordPrefix = try reader.string()
    let addedCount = Int(try reader.value() as UInt32)
    guard addedCount <= v else { throw damaged(reader.offset - 4, "bad added-token count") }
    options.additionalSpecialTokens = try (0..<addedCount).map { _ in try reader.string() }
    let tokensAt = reader.offset
    var tokens: [String] = []
    tokens.reserveCapacity(v)
    for _ in 0..<v { tokens.append(try reader.string()) }
    let tokenizer: WordPieceTokenizer
    do {
      tokenizer = try WordPieceTokenizer(vocabulary: tokens, options: options)
    } catch {
      throw damaged(tokensAt, "the vocabulary is not a valid WordPiece vocabulary: \(error)")
    }
    let weights = try reader.floats(v)
    let rows = Matrix(rows: v, columns: d)
    if precisionCode == 0 {
      let raw = try reader.bytes(v * d * 4)
      UnsafeMutableRawBufferPointer(rows.buffer).copyMemory(from: raw)
    } else {
      let scales = try reader.floats(v)
      let raw = try reader.bytes(v * d)
      let q = raw.bindMemory(to: Int8.self)
      for r in 0..<v {
        let row = rows.rowPointer(r)
        let s = scales[r]
        for c in 0..<d { row[c] = s * Float(q[r * d + c]) }
      }
    }
    try reader.expectTag(fileTrailer, reason: "missing EKSTAEND trailer (file damaged?)")
    let metadata = Metadata(
      sourceModel: sourceModel, sourceFingerprint: sourceFingerprint, weighting: weighting,
      explainedVariance: explained, removedTokens: removed)
    do {
      return try StaticModel(tokenizer: tokenizer, rows: rows, weights: weights, metadata: metadata)
    } catch {
      throw damaged(tokensAt, "\(error)")
    }
  }
}
