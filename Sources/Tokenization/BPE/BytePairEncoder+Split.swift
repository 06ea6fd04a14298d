import EmbeddingCore

extension BytePairEncoder {
  /// Encodes one long text on several threads, giving exactly `encodeOrdinary(text)`'s IDs.
  ///
  /// The text is cut only where every encoding's pattern is known to end a piece and start the
  /// next one afresh (see `segmentBounds`), so each segment can be encoded alone; texts shorter
  /// than `minimumSegment` bytes per thread, or without such cuts, are encoded on one thread.
  ///
  /// ```swift
  /// let ids = o200k.encodeOrdinary(book, threads: 2)  // == o200k.encodeOrdinary(book)
  /// ```
  /// - Complexity: O(n / threads) for a text of n bytes, plus one copy of the IDs.
  public func encodeOrdinary(_ text: String, threads: Int) -> [Int] {
    encodeOrdinary(text, threads: threads, minimumSegment: Self.minimumSegment)
  }

  /// `encodeOrdinary(_:threads:)` with segments of at least `minimumSegment` bytes (tests use
  /// small ones).
  func encodeOrdinary(_ text: String, threads: Int, minimumSegment: Int) -> [Int] {
    var text = text
    return text.withUTF8 { buffer in
      let bounds = Self.segmentBounds(
        buffer, segments: max(1, threads) * 4, minimumSegment: minimumSegment)
      let segments = bounds.count - 1
      guard threads > 1, segments > 1 else {
        return workspaces.with { workspace in
          collectTokens(bytes: buffer.count, workspace: workspace) { out in
            _ = appendOrdinary(buffer, workspace: workspace, into: &out)
          }
        }
      }
      let results = SharedBuffer<[Int]>(count: segments, value: [])
      let claimed = AtomicCounter()
      let shared = UnsafeSendable(buffer)
      parallelFor(min(threads, segments), threads: threads) { _ in
        workspaces.with { workspace in
          while true {
            let segment = claimed.add(1) - 1
            guard segment < segments else { return }
            let (lower, upper) = (bounds[segment], bounds[segment + 1])
            results[segment] = collectTokens(bytes: upper - lower, workspace: workspace) { out in
              _ = appendOrdinary(
                UnsafeBufferPointer(rebasing: shared.value[lower..<upper]), workspace: workspace,
                into: &out, readableEnd: shared.value.count - lower)
            }
          }
        }
      }
      var out: [Int] = []
      out.reserveCapacity((0..<segments).reduce(0) { $0 + results[$1].count })
      for segment in 0..<segments { out.append(contentsOf: results[segment]) }
      return out
    }
  }

  /// Segments smaller than this are not worth a thread.
  static let minimumSegment = 1 << 16

  /// Offsets `0 = b0 < b1 < … < bk = n` cutting `bytes` into about `segments` parts of at least
  /// `minimumSegment` bytes, each cut at a position `p` where every pattern (gpt2, cl100k_base,
  /// o200k_base) ends a piece and matches the rest as if the text began at `p`.
  ///
  /// The rule: `bytes[p - 2]` is printable ASCII other than a space, `bytes[p - 1]` is LF and
  /// `bytes[p]` an ASCII letter. No piece of any of the patterns holds an LF and a letter, so a
  /// piece ends at `p`; the piece holding the LF is the same whether the text ends at `p` or goes
  /// on (`\s++$`, `\s+(?!\S)` and `\s*[\r\n]` all give the lone LF, or a punctuation run takes it),
  /// and the patterns have no look-behind, so matching from `p` does not depend on what precedes.
  static func segmentBounds(
    _ bytes: UnsafeBufferPointer<UInt8>, segments: Int, minimumSegment: Int
  ) -> [Int] {
    let n = bytes.count
    let parts = min(segments, n / max(1, minimumSegment))
    var bounds = [0]
    guard parts > 1 else { return [0, n] }
    for k in 1..<parts {
      var p = max(n * k / parts, bounds[bounds.count - 1] + minimumSegment)
      while p < n && !isSafeCut(bytes, p) { p += 1 }
      guard p < n - minimumSegment / 2 else { break }
      bounds.append(p)
    }
    bounds.append(n)
    return bounds
  }

  @inline(__always)
  static func isSafeCut(_ bytes: UnsafeBufferPointer<UInt8>, _ p: Int) -> Bool {
    guard p >= 2 && p < bytes.count, bytes[p - 1] == 0x0A else { return false }
    let before = bytes[p - 2]
    let letter = bytes[p] | 0x20
    return before > 0x20 && before < 0x7F && letter >= 0x61 && letter <= 0x7A
  }
}
