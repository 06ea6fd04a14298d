import Foundation

/// An open-addressing hash table from words (byte strings) to dense indices, with counts.
///
/// Words are kept as bytes in one arena, so counting a corpus never creates a `String` per word.
/// Indices are assigned in first-seen order and stay dense; `prune(keepingCountsAbove:)` removes
/// rare words (keeping the order of the rest), which bounds memory while counting huge corpora.
///
/// - Complexity: `increment`/`index(of:)` are O(word length) on average.
struct ByteWordTable {
  private(set) var arena: [UInt8] = []
  private(set) var offsets: [Int] = []
  private(set) var lengths: [Int32] = []
  private(set) var hashes: [UInt32] = []
  private(set) var counts: [Int] = []
  /// Words that are not valid UTF-8 are counted (so they are not re-checked) but flagged.
  private(set) var invalidUTF8: [Bool] = []
  private var slots: [Int32]
  private var mask: Int

  init(capacity: Int = 1 << 16) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  /// Number of distinct words.
  var count: Int { counts.count }

  /// Bytes held by the table (for memory estimates).
  var byteFootprint: Int {
    arena.capacity + offsets.capacity * 8 + lengths.capacity * 4 + hashes.capacity * 4
      + counts.capacity * 8 + invalidUTF8.capacity + slots.capacity * 4
  }

  @inline(__always)
  static func hash(_ word: UnsafeRawBufferPointer) -> UInt32 {
    // FNV-1a, 32-bit.
    var h: UInt32 = 2_166_136_261
    for byte in word {
      h = (h ^ UInt32(byte)) &* 16_777_619
    }
    return h
  }

  @inline(__always)
  private func equals(_ entry: Int, _ word: UnsafeRawBufferPointer) -> Bool {
    let length = Int(lengths[entry])
    guard length == word.count else { return false }
    return arena.withUnsafeBufferPointer { a in
      memcmp(a.baseAddress! + offsets[entry], word.baseAddress!, length) == 0
    }
  }

  /// The index of `word`, or -1.
  @inline(__always)
  func index(of word: UnsafeRawBufferPointer) -> Int {
    let h = Self.hash(word)
    var slot = Int(h) & mask
    while true {
      let e = Int(slots[slot])
      if e < 0 { return -1 }
      if hashes[e] == h && equals(e, word) { return e }
      slot = (slot + 1) & mask
    }
  }

  /// Adds `amount` to `word`'s count, inserting it if new; returns its index.
  @discardableResult
  mutating func increment(_ word: UnsafeRawBufferPointer, by amount: Int = 1) -> Int {
    let h = Self.hash(word)
    var slot = Int(h) & mask
    while true {
      let e = Int(slots[slot])
      if e < 0 { break }
      if hashes[e] == h && equals(e, word) {
        counts[e] += amount
        return e
      }
      slot = (slot + 1) & mask
    }
    let e = counts.count
    slots[slot] = Int32(e)
    offsets.append(arena.count)
    lengths.append(Int32(word.count))
    arena.append(contentsOf: word)
    hashes.append(h)
    counts.append(amount)
    invalidUTF8.append(!Self.isValidUTF8(word))
    if counts.count * 2 > slots.count { grow() }
    return e
  }

  /// The bytes of word `index`.
  func bytes(of index: Int) -> ArraySlice<UInt8> {
    arena[offsets[index]..<(offsets[index] + Int(lengths[index]))]
  }

  /// The word at `index` as a `String` (the table only keeps valid UTF-8 words in vocabularies).
  func string(at index: Int) -> String {
    String(decoding: bytes(of: index), as: UTF8.self)
  }

  /// Removes every word whose count is `<= threshold`, keeping the others in their order.
  mutating func prune(keepingCountsAbove threshold: Int) {
    var kept = ByteWordTable(capacity: max(16, count))
    for i in 0..<count where counts[i] > threshold {
      let k = arena.withUnsafeBytes { a in
        kept.increment(
          UnsafeRawBufferPointer(rebasing: a[offsets[i]..<(offsets[i] + Int(lengths[i]))]),
          by: counts[i])
      }
      kept.invalidUTF8[k] = invalidUTF8[i]
    }
    self = kept
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    for e in 0..<counts.count {
      var slot = Int(hashes[e]) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(e)
    }
  }

  static func isValidUTF8(_ word: UnsafeRawBufferPointer) -> Bool {
    var ascii = true
    for b in word where b >= 0x80 {
      ascii = false
      break
    }
    if ascii { return true }
    var valid = true
    let scalars = Array(word)
    var iterator = scalars.makeIterator()
    var decoder = UTF8()
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue: continue
      case .emptyInput: break loop
      case .error:
        valid = false
        break loop
      }
    }
    return valid
  }
}
