import EmbeddingCore

extension BytePairEncoder {
  /// The exact bytes of a sequence of token IDs (special tokens give their text).
  ///
  /// ```swift
  /// try gpt2.decode([31373, 995])  // Array("hello world".utf8)
  /// ```
  /// - Throws: `EmbeddingError.invalidArgument` for an ID that is not in the vocabulary.
  /// - Complexity: O(total bytes).
  public func decode(_ ids: [Int]) throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(ids.count * 4)
    for id in ids { try appendBytes(of: id, to: &out) }
    return out
  }

  /// Decodes to a `String`; byte sequences that are not valid UTF-8 (a multi-byte character cut
  /// between tokens) become U+FFFD.
  ///
  /// Use `decode(_:)` for the exact bytes.
  public func decodeText(_ ids: [Int]) throws -> String {
    String(decoding: try decode(ids), as: UTF8.self)
  }

  /// The bytes of one token (tiktoken's `decode_single_token_bytes`).
  public func tokenBytes(_ id: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    try appendBytes(of: id, to: &out)
    return out
  }

  /// The ID of a token given its exact bytes (a mergeable token or a special token's text),
  /// or nil (tiktoken's `encode_single_token`).
  public func tokenID(of bytes: [UInt8]) -> Int? {
    if let special = specials.tokens.first(where: { $0.bytes == bytes }) { return special.id }
    return bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return nil }
      let rank = table.rank(base, buffer.count, readable: buffer.count)
      return rank == RankTable.absent ? nil : Int(rank)
    }
  }

  private func appendBytes(of id: Int, to out: inout [UInt8]) throws {
    if let bytes = table.bytes(of: id) {
      out.append(contentsOf: bytes)
    } else if let special = specials.byID[id] {
      out.append(contentsOf: special.bytes)
    } else {
      throw EmbeddingError.invalidArgument(unknownIDMessage(id))
    }
  }

  /// Why `id` decodes to nothing: outside the ID range, or one of the unused IDs inside it
  /// (o200k_base has no tokens 199998 and 199999 and no IDs between its special tokens).
  func unknownIDMessage(_ id: Int) -> String {
    guard id >= 0 && id < vocabularySize else {
      return "token ID \(id) is not in the \(name) vocabulary (IDs 0..<\(vocabularySize))"
    }
    var unused: [ClosedRange<Int>] = []
    var start: Int? = nil
    for i in 0...vocabularySize {
      let known = i < vocabularySize && (table.bytes(of: i) != nil || specials.byID[i] != nil)
      if !known, start == nil { start = i }
      if known || i == vocabularySize, let s = start, i > s {
        unused.append(s...(i - 1))
        start = nil
      }
    }
    let list = unused.prefix(8).map {
      $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)"
    }
    return "token ID \(id) is one of the unused IDs of the \(name) vocabulary: every ID in "
      + "0..<\(vocabularySize) has a token except \(list.joined(separator: ", "))"
      + (unused.count > 8 ? ", …" : "")
  }
}
