import EmbeddingCore

/// The `count dim` first line of word2vec (text and binary) and fastText `.vec` files.
struct Word2VecHeader {
  /// Number of words the header promises.
  var count: Int
  /// Vector dimension.
  var dimension: Int
  /// Byte offset just past the header's newline.
  var end: Int

  /// Parses the header at the start of `bytes`; nil if the first line is not two integers.
  static func parse(_ bytes: UnsafeRawBufferPointer) -> Word2VecHeader? {
    let p = bytes.bindMemory(to: UInt8.self)
    var i = 0
    var numbers: [Int] = []
    let limit = min(p.count, 256)
    while i < limit && p[i] != UInt8(ascii: "\n") {
      let c = p[i]
      if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
        i += 1
        continue
      }
      guard c &- 48 < 10 else { return nil }
      var value = 0
      while i < limit, p[i] &- 48 < 10 {
        value = value * 10 + Int(p[i] &- 48)
        if value > 1 << 40 { return nil }
        i += 1
      }
      numbers.append(value)
    }
    guard i < p.count, p[i] == UInt8(ascii: "\n"), numbers.count == 2 else { return nil }
    return Word2VecHeader(count: numbers[0], dimension: numbers[1], end: i + 1)
  }

  /// Parses the header or throws an error naming the file.
  static func require(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Word2VecHeader {
    guard let header = parse(bytes) else {
      throw EmbeddingError.malformed(
        path: path, location: "line 1",
        reason: "expected a header 'count dimension' (two integers); "
          + "for a GloVe file without header use format .glove (--format glove)")
    }
    guard header.dimension > 0 else {
      throw EmbeddingError.malformed(
        path: path, location: "line 1", reason: "the header gives dimension 0")
    }
    return header
  }
}
