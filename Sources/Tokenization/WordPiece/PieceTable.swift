// An open-addressing hash table from UTF-8 byte strings to token IDs, looked up without
// allocating a String per candidate.

/// Maps byte strings (vocabulary pieces) to IDs; lookups take a pointer and a length.
///
/// Keys live in one byte arena; slots hold an arena offset, a length and the ID. Read-only
/// after construction, so sharing it between threads is safe.
final class PieceTable: @unchecked Sendable {
  private let arena: UnsafeMutablePointer<UInt8>
  /// Per slot: key offset (or -1 when empty), key length, ID.
  private let offsets: UnsafeMutablePointer<Int32>
  private let lengths: UnsafeMutablePointer<Int32>
  private let ids: UnsafeMutablePointer<Int32>
  private let hashes: UnsafeMutablePointer<UInt32>
  private let mask: Int
  /// The longest key in bytes (a lookup of a longer string cannot match).
  let maxLength: Int

  /// Builds the table from `(key bytes, id)` pairs; later duplicates are ignored.
  init(_ entries: [([UInt8], Int32)]) {
    var seen = Set<[UInt8]>()
    let unique = entries.filter { seen.insert($0.0).inserted }
    var capacity = 16
    while capacity < unique.count * 2 { capacity <<= 1 }
    mask = capacity - 1
    arena = .allocate(capacity: max(1, unique.reduce(0) { $0 + $1.0.count }))
    offsets = .allocate(capacity: capacity)
    offsets.initialize(repeating: -1, count: capacity)
    lengths = .allocate(capacity: capacity)
    lengths.initialize(repeating: 0, count: capacity)
    ids = .allocate(capacity: capacity)
    ids.initialize(repeating: 0, count: capacity)
    hashes = .allocate(capacity: capacity)
    hashes.initialize(repeating: 0, count: capacity)
    maxLength = unique.reduce(0) { max($0, $1.0.count) }
    var cursor = 0
    for (key, id) in unique {
      let hash = key.withUnsafeBufferPointer { Self.hash($0.baseAddress, $0.count) }
      var slot = Int(hash) & mask
      while offsets[slot] >= 0 { slot = (slot + 1) & mask }
      for (i, byte) in key.enumerated() { arena[cursor + i] = byte }
      offsets[slot] = Int32(cursor)
      lengths[slot] = Int32(key.count)
      ids[slot] = id
      hashes[slot] = hash
      cursor += key.count
    }
  }

  deinit {
    arena.deallocate()
    offsets.deallocate()
    lengths.deallocate()
    ids.deallocate()
    hashes.deallocate()
  }

  /// FNV-1a over the bytes.
  @inline(__always)
  static func hash(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> UInt32 {
    var h: UInt32 = 2_166_136_261
    guard let bytes else { return h }
    for i in 0..<count { h = (h ^ UInt32(bytes[i])) &* 16_777_619 }
    return h
  }

  /// The ID of the `count` bytes at `bytes`, if they are a key.
  @inline(__always)
  func id(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
    if count > maxLength { return nil }
    return find(bytes, count, Self.hash(bytes, count))
  }

  private func find(_ bytes: UnsafePointer<UInt8>?, _ count: Int, _ hash: UInt32) -> Int32? {
    var slot = Int(hash) & mask
    while true {
      let offset = offsets[slot]
      if offset < 0 { return nil }
      if hashes[slot] == hash && Int(lengths[slot]) == count {
        var equal = true
        if let bytes {
          let key = arena + Int(offset)
          for i in 0..<count where key[i] != bytes[i] {
            equal = false
            break
          }
        }
        if equal { return ids[slot] }
      }
      slot = (slot + 1) & mask
    }
  }
}
