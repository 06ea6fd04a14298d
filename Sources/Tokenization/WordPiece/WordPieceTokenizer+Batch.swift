// encodeBatch: many texts on several threads.
import EmbeddingCore

extension WordPieceTokenizer {
  /// Encodes many texts on `threads` threads; the result equals encoding each alone.
  ///
  /// ```swift
  /// let encodings = tokenizer.encodeBatch(sentences, maxLength: 256, threads: 2)
  /// ```
  /// - Complexity: O(total bytes / threads).
  public func encodeBatch(_ texts: [String], maxLength: Int?, threads: Int) -> [WordPieceEncoding] {
    let empty = WordPieceEncoding(ids: [], spans: [], truncated: false)
    let results = SharedBuffer(count: texts.count, value: empty)
    // Contiguous chunks keep each worker on neighbouring texts; results are per index.
    let chunks = min(texts.count, max(1, threads) * 16)
    parallelFor(chunks, threads: threads) { chunk in
      let lower = texts.count * chunk / chunks
      let upper = texts.count * (chunk + 1) / chunks
      for index in lower..<upper {
        results[index] = self.encode(texts[index], maxLength: maxLength)
      }
    }
    return results.array()
  }
}
