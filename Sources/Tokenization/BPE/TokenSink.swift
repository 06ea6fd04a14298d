/// Where the encoder writes token IDs: a growable `[Int]`, or a `TokenWriter` over memory with
/// room for them (a text of n bytes never gives more than n tokens: each token, special ones
/// included, covers at least one byte).
protocol TokenSink {
  var count: Int { get }
  /// Makes room for `extra` more IDs (the encoder calls it once per block of pieces, with the
  /// block's byte count).
  mutating func reserve(_ extra: Int)
  mutating func append(_ id: Int)
  mutating func append(contentsOf ids: UnsafeBufferPointer<Int>)
  /// Appends `count` ranks as IDs (the encoder's runs of one-token pieces).
  mutating func append(ranks: UnsafePointer<UInt32>, count: Int)
  /// The IDs from position `start` to the end.
  func withIDs<R>(from start: Int, _ body: (UnsafeBufferPointer<Int>) -> R) -> R
}

extension Array: TokenSink where Element == Int {
  /// Nothing: `append` grows the array geometrically (a `reserveCapacity` per block could
  /// reallocate every time).
  @inline(__always)
  mutating func reserve(_ extra: Int) {}

  mutating func append(ranks: UnsafePointer<UInt32>, count: Int) {
    for i in 0..<count { append(Int(ranks[i])) }
  }

  func withIDs<R>(from start: Int, _ body: (UnsafeBufferPointer<Int>) -> R) -> R {
    withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start...])) }
  }
}

/// Plain stores into memory with room for the IDs: no capacity or uniqueness check per token, as
/// `[Int].append` makes (with the IDs first gathered per block and appended together, that path
/// took about a tenth of o200k_base's encode time).
///
/// Over memory given with a fixed capacity, the caller guarantees the room (one ID per byte);
/// a growing writer owns its buffer, grows it in `reserve` and must be `release`d.
struct TokenWriter: TokenSink {
  private(set) var base: UnsafeMutablePointer<Int>
  private(set) var count = 0
  private var capacity: Int
  private let growing: Bool

  /// A writer over `capacity` IDs at `base`, which it never grows.
  init(_ base: UnsafeMutablePointer<Int>, capacity: Int) {
    self.base = base
    self.capacity = capacity
    growing = false
  }

  /// A writer that owns a buffer of `capacity` IDs and doubles it when a block needs more.
  init(growingFrom capacity: Int) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
    growing = true
  }

  /// Frees a growing writer's buffer (nothing for a fixed one).
  func release() {
    if growing { base.deallocate() }
  }

  @inline(__always)
  mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(to: count + extra) }
  }

  private mutating func grow(to needed: Int) {
    precondition(growing, "a fixed TokenWriter was given fewer slots than bytes")
    let larger = max(needed, capacity * 2)
    let moved = UnsafeMutablePointer<Int>.allocate(capacity: larger)
    moved.moveInitialize(from: base, count: count)
    base.deallocate()
    base = moved
    capacity = larger
  }

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

  @inline(__always)
  mutating func append(ranks: UnsafePointer<UInt32>, count: Int) {
    let target = base + self.count
    for i in 0..<count { target[i] = Int(ranks[i]) }
    self.count &+= count
  }

  func withIDs<R>(from start: Int, _ body: (UnsafeBufferPointer<Int>) -> R) -> R {
    body(UnsafeBufferPointer(start: base + start, count: count - start))
  }
}

extension BytePairEncoder {
  /// Texts of at least this many bytes (up to `directOutputLimit`) are encoded straight into the
  /// returned array's storage, reserved for one ID per byte (only the pages written are touched);
  /// shorter ones go through the workspace's buffer and are copied into an array of the exact size.
  static let directOutputBytes = 1 << 20
  /// Beyond this many bytes the one-ID-per-byte reservation (8 bytes of address space per byte
  /// of text) is not made: a growing buffer is used and copied into the result.
  static let directOutputLimit = 1 << 25

  /// The IDs `body` writes for a text of `bytes` bytes, as an array.
  @inline(__always)
  func collectTokens(
    bytes: Int, workspace: Workspace, _ body: (inout TokenWriter) throws -> Void
  ) rethrows -> [Int] {
    let bound = max(bytes, 1)
    if bound >= Self.directOutputBytes && bound <= Self.directOutputLimit {
      return try [Int](unsafeUninitializedCapacity: bound) { storage, initialized in
        initialized = 0
        guard let base = storage.baseAddress else { return }
        TableMemory.adviseHugePages(base, count: storage.count)
        var writer = TokenWriter(base, capacity: storage.count)
        try body(&writer)
        initialized = writer.count
      }
    }
    var writer =
      bound > Self.directOutputLimit
      ? TokenWriter(growingFrom: bound / 3 + 16)
      : TokenWriter(workspace.outputBuffer(capacity: bound), capacity: bound)
    defer { writer.release() }
    try body(&writer)
    return Array(UnsafeBufferPointer(start: writer.base, count: writer.count))
  }
}
