/// Where the encoder writes token IDs: a growable `[Int]`, or a `TokenWriter` over memory that
/// already has room for every ID (a text of n bytes never gives more than n tokens: each token,
/// special ones included, covers at least one byte).
protocol TokenSink {
  var count: Int { get }
  mutating func append(_ id: Int)
  mutating func append(contentsOf ids: UnsafeBufferPointer<Int>)
  /// The IDs from position `start` to the end.
  func withIDs<R>(from start: Int, _ body: (UnsafeBufferPointer<Int>) -> R) -> R
}

extension Array: TokenSink where Element == Int {
  func withIDs<R>(from start: Int, _ body: (UnsafeBufferPointer<Int>) -> R) -> R {
    withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start...])) }
  }
}

/// Plain stores into memory with room for every ID: no capacity or uniqueness check per token, as
/// `[Int].append` makes (with the IDs first gathered per block and appended together, that path
/// took about a tenth of o200k_base's encode time).
struct TokenWriter: TokenSink {
  let base: UnsafeMutablePointer<Int>
  private(set) var count = 0

  init(_ base: UnsafeMutablePointer<Int>) { self.base = base }

  @inline(__always)
  mutating func append(_ id: Int) {
    base[count] = id
    count += 1
  }

  @inline(__always)
  mutating func append(contentsOf ids: UnsafeBufferPointer<Int>) {
    // A loop, not `update(from:count:)`: the runs are short (a cached piece's few IDs), and a
    // `memmove` call per run costs more than the stores.
    let target = base + count
    for i in 0..<ids.count { target[i] = ids[i] }
    count += ids.count
  }

  func withIDs<R>(from start: Int, _ body: (UnsafeBufferPointer<Int>) -> R) -> R {
    body(UnsafeBufferPointer(start: base + start, count: count - start))
  }
}

extension BytePairEncoder {
  /// Texts of at least this many bytes are encoded straight into the returned array's storage
  /// (reserved for one ID per byte, pages touched only where written); shorter ones go through the
  /// workspace's buffer and are copied into an array of the exact size.
  static let directOutputBytes = 1 << 20

  /// The IDs `body` writes for a text of `bytes` bytes, as an array.
  @inline(__always)
  func collectTokens(
    bytes: Int, workspace: Workspace, _ body: (inout TokenWriter) throws -> Void
  ) rethrows -> [Int] {
    let bound = max(bytes, 1)
    if bound >= Self.directOutputBytes {
      return try [Int](unsafeUninitializedCapacity: bound) { storage, initialized in
        initialized = 0
        guard let base = storage.baseAddress else { return }
        TableMemory.adviseHugePages(base, count: storage.count)
        var writer = TokenWriter(base)
        try body(&writer)
        initialized = writer.count
      }
    }
    var writer = TokenWriter(workspace.outputBuffer(capacity: bound))
    try body(&writer)
    return Array(UnsafeBufferPointer(start: writer.base, count: writer.count))
  }
}
