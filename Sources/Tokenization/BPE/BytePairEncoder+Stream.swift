import EmbeddingCore

extension BytePairEncoder {
  /// Encodes a file or standard input of any size in bounded memory, handing the tokens to
  /// `onTokens` chunk by chunk.
  ///
  /// The stream is cut only where every encoding is guaranteed to start a new piece (a space
  /// after an ASCII non-space character: no pre-tokenization pattern puts a non-space and a
  /// following space in one piece), so the result equals encoding the whole text at once.
  /// A stretch longer than `2 × chunkBytes` without such a place (for example a 100 MB run of one
  /// letter) is cut at a character boundary, which can change the tokens next to the cut only.
  /// Invalid UTF-8 bytes are encoded as one-byte symbols (nothing is lost; `decode` restores
  /// them), unlike `encode(bytes:)`, which follows tiktoken's whole-tail rule.
  ///
  /// ```swift
  /// var count = 0
  /// try gpt2.encode(stream: ByteStream(path: "big.txt.gz")) { count += $0.count }
  /// ```
  /// - Throws: `EmbeddingError.disallowedSpecialToken` as `encode` does; stream read errors.
  /// - Complexity: O(n) time, O(chunkBytes) memory.
  public func encode(
    stream: ByteStream, allowedSpecial: SpecialTokenSet = .none,
    disallowedSpecial: SpecialTokenSet = .all, chunkBytes: Int = 1 << 20,
    progress: ProgressHandler? = nil, onTokens: ([Int]) throws -> Void
  ) throws {
    let chunk = max(chunkBytes, 64)
    var pending: [UInt8] = []
    pending.reserveCapacity(chunk * 2)
    var readBuffer = [UInt8](repeating: 0, count: chunk)
    var finished = false
    var bytesDone = 0
    let started = MonotonicClock.now()
    try workspaces.with { workspace in
      while !finished {
        let n = try stream.read(into: &readBuffer)
        if n == 0 { finished = true } else { pending.append(contentsOf: readBuffer[0..<n]) }
        if !finished && pending.count < chunk { continue }
        let cut: Int
        if finished {
          cut = pending.count
        } else if let safe = Self.safeCut(pending) {
          cut = safe
        } else if pending.count >= 2 * chunk {
          cut = Self.characterBoundary(pending, before: pending.count)
        } else {
          continue
        }
        let out = try pending.withUnsafeBufferPointer { buffer in
          try collectTokens(bytes: cut, workspace: workspace) { out in
            try appendEncoded(
              UnsafeBufferPointer(rebasing: buffer[0..<cut]), allowedSpecial: allowedSpecial,
              disallowedSpecial: disallowedSpecial, workspace: workspace, into: &out)
          }
        }
        pending.removeFirst(cut)
        bytesDone += cut
        if !out.isEmpty { try onTokens(out) }
        progress?(
          ProgressReport(
            stage: "encoding", completed: bytesDone, unit: "bytes",
            elapsed: MonotonicClock.now() - started))
      }
    }
  }

  /// The last index `k` with `bytes[k] == " "` and `bytes[k-1]` an ASCII non-space: a place
  /// where every pattern starts a new piece and whose left part ends as the text's end would.
  static func safeCut(_ bytes: [UInt8]) -> Int? {
    var k = bytes.count - 1
    while k >= 1 {
      if bytes[k] == 0x20 && bytes[k - 1] > 0x20 && bytes[k - 1] < 0x7F { return k }
      k -= 1
    }
    return nil
  }

  /// The largest index ≤ `index` that does not split a UTF-8 sequence (at least 1).
  static func characterBoundary(_ bytes: [UInt8], before index: Int) -> Int {
    var k = index
    while k > 1 && k < bytes.count && bytes[k] & 0xC0 == 0x80 && index - k < 4 { k -= 1 }
    return k
  }
}
