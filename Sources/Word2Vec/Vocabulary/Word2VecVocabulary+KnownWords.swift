import EmbeddingCore

extension Word2VecVocabulary {
  /// How many words of `corpora` are in this vocabulary: one epoch's training words, which set
  /// the learning-rate schedule when a saved model is trained further on a new corpus.
  ///
  /// ```swift
  /// let words = try model.vocabulary.countKnownWords(in: ["more.txt"])
  /// try model.train(corpora: ["more.txt"], epochs: 1, wordsPerEpoch: words)
  /// ```
  /// - Throws: `EmbeddingError.io` if a file cannot be read.
  /// - Complexity: O(corpus bytes), constant memory.
  public func countKnownWords(in corpora: [String]) throws -> Int {
    var sink = KnownWordSink(table: table)
    for path in corpora {
      var scanner = try CorpusScanner(path: path)
      defer { scanner.close() }
      _ = try scanner.scan(into: &sink)
    }
    return sink.known
  }
}

private struct KnownWordSink: CorpusSink {
  let table: ByteWordTable
  var known = 0

  init(table: ByteWordTable) { self.table = table }

  mutating func word(_ bytes: UnsafeRawBufferPointer) {
    if table.index(of: bytes) >= 0 { known += 1 }
  }
  mutating func endOfLine() {}
  mutating func shouldStop() -> Bool { false }
}
