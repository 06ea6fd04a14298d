import EmbeddingCore

extension BytePairEncoder {
  /// Encodes text to token IDs, exactly as tiktoken's `Encoding.encode`.
  ///
  /// By default a special token's text inside `text` is an error (it usually means
  /// untrusted input); allow some or all of them, or pass `disallowedSpecial: .none` to encode
  /// them as ordinary text.
  ///
  /// ```swift
  /// try gpt2.encode("hello world")                               // [31373, 995]
  /// try gpt2.encode("hi<|endoftext|>", allowedSpecial: .all)     // [5303, 50256]
  /// try gpt2.encode("hi<|endoftext|>", disallowedSpecial: .none) // [5303, 27, 91, 437, ...]
  /// ```
  /// - Throws: `EmbeddingError.disallowedSpecialToken` naming the token and the remedies.
  /// - Complexity: O(n) in the text's UTF-8 length for ordinary text (pieces longer than a
  ///   token merge in O(k log k)).
  public func encode(
    _ text: String, allowedSpecial: SpecialTokenSet = .none,
    disallowedSpecial: SpecialTokenSet = .all
  ) throws -> [Int] {
    var text = text
    return try text.withUTF8 {
      try encode(utf8: $0, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial)
    }
  }

  /// Encodes UTF-8 bytes (valid UTF-8 assumed; see `encode(bytes:)` otherwise) with the same
  /// special-token rules as `encode(_:allowedSpecial:disallowedSpecial:)`.
  public func encode(
    utf8 bytes: UnsafeBufferPointer<UInt8>, allowedSpecial: SpecialTokenSet = .none,
    disallowedSpecial: SpecialTokenSet = .all
  ) throws -> [Int] {
    try workspaces.with { workspace in
      try collectTokens(bytes: bytes.count, workspace: workspace) { out in
        try appendEncoded(
          bytes, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial,
          workspace: workspace, into: &out)
      }
    }
  }

  /// Encodes text treating special-token strings as ordinary text (tiktoken's `encode_ordinary`).
  ///
  /// Never throws.
  ///
  /// - Complexity: O(n) in the UTF-8 length.
  public func encodeOrdinary(_ text: String) -> [Int] {
    var text = text
    return text.withUTF8 { buffer in
      workspaces.with { workspace in
        collectTokens(bytes: buffer.count, workspace: workspace) { out in
          _ = appendOrdinary(buffer, workspace: workspace, into: &out)
        }
      }
    }
  }

  /// Encodes arbitrary bytes, possibly invalid UTF-8, exactly as tiktoken's
  /// `Encoding._encode_bytes`: valid UTF-8 is encoded as ordinary text; otherwise the valid prefix
  /// is encoded and its last piece (with any whitespace tokens before it) is merged again together
  /// with the remaining bytes, as one piece.
  ///
  /// Decoding gives the bytes back.
  ///
  /// ```swift
  /// gpt2.encode(bytes: [0x68, 0x69, 0xFF])  // [5303, 187]: "hi" and the lone byte 0xFF
  /// ```
  /// - Complexity: O(n) for valid input; O(m log m) for the m bytes after the first error.
  public func encode(bytes: [UInt8]) -> [Int] {
    bytes.withUnsafeBufferPointer { buffer in
      workspaces.with { workspace in
        var out: [Int] = []
        let valid = validUTF8PrefixLength(buffer)
        let lastPiece = appendOrdinary(
          UnsafeBufferPointer(rebasing: buffer[0..<valid]), workspace: workspace, into: &out)
        guard valid < buffer.count else { return out }
        var unstableCount = lastPiece
        if unstableCount > 0 && isAllSpace(out[out.count - unstableCount]) {
          while unstableCount < out.count && isAllSpace(out[out.count - unstableCount - 1]) {
            unstableCount += 1
          }
        }
        var unstable: [UInt8] = []
        for id in out[(out.count - unstableCount)...] {
          if let token = table.bytes(of: id) { unstable.append(contentsOf: token) }
        }
        out.removeLast(unstableCount)
        unstable.append(contentsOf: buffer[valid...])
        unstable.withUnsafeBufferPointer { tail in
          guard let base = tail.baseAddress else { return }
          let rank = table.rank(base, tail.count, readable: tail.count)
          if rank != RankTable.absent {
            out.append(Int(rank))
          } else {
            BytePairMerge.encode(
              base, tail.count, readable: tail.count, table: table.lookup,
              scratch: workspace.scratch, into: &out)
          }
        }
        return out
      }
    }
  }

  /// The number of tokens `encode` would return, without keeping them.
  ///
  /// - Throws: like `encode`.
  public func countTokens(
    _ text: String, allowedSpecial: SpecialTokenSet = .none,
    disallowedSpecial: SpecialTokenSet = .all
  ) throws -> Int {
    try encode(text, allowedSpecial: allowedSpecial, disallowedSpecial: disallowedSpecial).count
  }

  // MARK: - Internals

  /// Whether every byte of token `id` is a space, LF or tab (tiktoken's `token_is_all_space`).
  private func isAllSpace(_ id: Int) -> Bool {
    guard let bytes = table.bytes(of: id) else { return false }
    return bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }
  }

  /// Checks for disallowed special tokens, then encodes segments between allowed ones.
  func appendEncoded<Sink: TokenSink>(
    _ bytes: UnsafeBufferPointer<UInt8>, allowedSpecial: SpecialTokenSet,
    disallowedSpecial: SpecialTokenSet, workspace: Workspace, into out: inout Sink
  ) throws {
    let (allowed, disallowed) = specials.resolve(
      allowed: allowedSpecial, disallowed: disallowedSpecial)
    if let found = specials.firstMatch(in: bytes, from: 0, candidates: disallowed) {
      throw EmbeddingError.disallowedSpecialToken(found.token.name)
    }
    var start = 0
    while true {
      let match = specials.firstMatch(in: bytes, from: start, candidates: allowed)
      let end = match?.position ?? bytes.count
      _ = appendOrdinary(
        UnsafeBufferPointer(rebasing: bytes[start..<end]), workspace: workspace,
        into: &out, readableEnd: bytes.count - start)
      guard let match else { break }
      out.reserve(1)
      out.append(match.token.id)
      start = end + match.token.bytes.count
    }
  }

  /// Encodes `bytes` as ordinary text.
  ///
  /// Returns how many tokens the last piece gave. `readableEnd` (≥ count) is how many bytes may be
  /// read from the segment's start.
  @discardableResult
  func appendOrdinary<Sink: TokenSink>(
    _ bytes: UnsafeBufferPointer<UInt8>, workspace: Workspace, into out: inout Sink,
    readableEnd: Int? = nil
  ) -> Int {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
    let readable = readableEnd ?? bytes.count
    switch preTokenizer {
    case .gpt2:
      return appendPieces(
        SplitterCursor<GPT2Splitter>.self, base, bytes.count, readable, workspace, &out)
    case .cl100k:
      return appendPieces(
        SplitterCursor<CL100kSplitter>.self, base, bytes.count, readable, workspace, &out)
    case .o200k:
      return appendPieces(O200kCursor.self, base, bytes.count, readable, workspace, &out)
    }
  }

  /// The hot loop: cut pieces with a `Cursor`, look each up whole, merge the rest.
  ///
  /// Works in blocks of `Workspace.pieceBlock` pieces. For each block: cut the pieces (the
  /// cursor writes their ends), then pack each and prefetch its rank slot; look up their ranks,
  /// noting in a bit mask the pieces that are not one token, and prefetch those pieces'
  /// piece-cache slots; then write the tokens of the block *before* (`emitBlock`). The rank
  /// tables and the piece cache are MBs probed at random, and these passes keep many misses in
  /// flight at once; writing one block late gives each piece-cache prefetch a whole block of
  /// work to arrive in (the cache is 8 MB of mostly rare pieces: without the delay, 40% of a hit's
  /// time was the wait for its slot).
  @inline(__always)
  private func appendPieces<Cursor: PieceCursor, Sink: TokenSink>(
    _: Cursor.Type, _ base: UnsafePointer<UInt8>, _ count: Int, _ readable: Int,
    _ workspace: Workspace, _ out: inout Sink
  ) -> Int {
    let classes = UnsafePointer(ScalarClassTable.shared.classes)
    let table = self.table.lookup
    let cache = workspace.cache
    let slots = workspace.pieceSlots
    var cursor = Cursor(base, count: count, classes: classes)
    var lastPieceTokens = 0
    var blockStart = 0
    var previous = Workspace.Block(start: 0, cut: 0, multiToken: 0, half: 0)
    var half = 0
    while blockStart < count {
      let ends = workspace.pieceEnds + half
      let ranks = workspace.pieceRanks + half
      let words = workspace.pieceWords + half
      let cut = cursor.fill(ends, capacity: Workspace.pieceBlock, from: blockStart)
      var end = blockStart
      for k in 0..<cut {
        let next = ends[k]
        let length = next &- end
        if length <= RankLookup.packedLength {
          let (a, b) = RankLookup.pack(base + end, length, readable: readable &- end)
          words[k] = (a, b)
          slots[k] = table.prefetchSlot(packed: a, b, length)
        }
        end = next
      }
      // Bit k of `multiToken`: piece k is not one token (blocks hold at most 64 pieces).
      var multiToken: UInt64 = 0
      var start = blockStart
      for k in 0..<cut {
        let length = ends[k] &- start
        let rank =
          length <= RankLookup.packedLength
          ? table.rank(packed: words[k].0, words[k].1, length, from: slots[k])
          : table.rank(base + start, length, readable: readable &- start)
        ranks[k] = rank
        multiToken |= UInt64(rank == RankTable.absent ? 1 : 0) &<< UInt64(k)
        start = ends[k]
      }
      var pending = multiToken
      while pending != 0 {
        let k = pending.trailingZeroBitCount
        pending &= pending &- 1
        let length = ends[k] &- Workspace.pieceStart(k, ends, blockStart)
        if PieceCache.holds(length) {
          cache.prefetch(packed: words[k].0, words[k].1, length)
        }
      }
      if previous.cut > 0 {
        lastPieceTokens = emitBlock(previous, base, readable, workspace, &out)
      }
      previous = Workspace.Block(start: blockStart, cut: cut, multiToken: multiToken, half: half)
      half ^= Workspace.pieceBlock
      blockStart = end
    }
    if previous.cut > 0 {
      lastPieceTokens = emitBlock(previous, base, readable, workspace, &out)
    }
    return lastPieceTokens
  }

  /// Writes the tokens of a block whose ranks are looked up.
  ///
  /// Each run of one-token pieces is copied at once, the other pieces one by one. Returns how
  /// many tokens the block's last piece gave.
  @inline(__always)
  private func emitBlock<Sink: TokenSink>(
    _ block: Workspace.Block, _ base: UnsafePointer<UInt8>, _ readable: Int,
    _ workspace: Workspace, _ out: inout Sink
  ) -> Int {
    let ends = workspace.pieceEnds + block.half
    let ranks = workspace.pieceRanks + block.half
    let words = workspace.pieceWords + block.half
    out.reserve(ends[block.cut &- 1] &- block.start)
    var lastPieceTokens = 1
    var run = 0
    var pending = block.multiToken
    while pending != 0 {
      let k = pending.trailingZeroBitCount
      pending &= pending &- 1
      out.append(ranks: ranks + run, count: k &- run)
      let start = Workspace.pieceStart(k, ends, block.start)
      lastPieceTokens = appendMultiToken(
        base + start, ends[k] &- start, readable: readable &- start, packed: words[k],
        workspace: workspace, into: &out)
      run = k &+ 1
    }
    out.append(ranks: ranks + run, count: block.cut &- run)
    if run < block.cut { lastPieceTokens = 1 }
    return lastPieceTokens
  }

  /// Appends the tokens of a piece that is not one token and returns how many.
  ///
  /// They come from the piece cache, or are merged (and then cached). `packed` is the piece as
  /// `RankLookup.pack` packs it (unused for pieces of more than 16 bytes).
  @inline(never)
  private func appendMultiToken<Sink: TokenSink>(
    _ piece: UnsafePointer<UInt8>, _ length: Int, readable: Int, packed: (UInt64, UInt64),
    workspace: Workspace, into out: inout Sink
  ) -> Int {
    let before = out.count
    let cache = workspace.cache
    let cacheable = PieceCache.holds(length)
    if cacheable && cache.appendCached(packed: packed.0, packed.1, length, into: &out) {
      return out.count &- before
    }
    BytePairMerge.encode(
      piece, length, readable: readable, table: table.lookup, scratch: workspace.scratch,
      into: &out)
    if cacheable {
      out.withIDs(from: before) { cache.insert(packed: packed.0, packed.1, length, ids: $0) }
    }
    return out.count &- before
  }
}
