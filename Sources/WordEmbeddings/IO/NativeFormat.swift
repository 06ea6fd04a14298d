import EmbeddingCore
import Foundation

/// EmbeddingKit's native word-vector format (`.ekv`), memory-mapped on open.
///
/// Opening maps the file and checks its 128-byte header: no row, word or count is read, so
/// it costs the same few system calls whatever the file's size. Words are looked up through
/// an on-disk hash table; rows are used in place (pages load as they are touched).
///
/// Layout, all integers little-endian, version 1:
/// ```
/// 0    magic "EKVECTOR" (8 bytes)      8   version UInt32 (1)     12  flags UInt32 (bit 0: counts)
/// 16   rows UInt64                     24  dimension UInt64
/// 32   word-bytes offset UInt64        40  word-bytes length UInt64   (UTF-8 words, concatenated)
/// 48   word-ends offset UInt64         (rows × UInt64: end of word r in the word bytes)
/// 56   hash-table offset UInt64        64  hash-table slots UInt64 (power of two ≥ 2 × rows)
///                                      (slots × UInt32: row + 1, 0 = empty; FNV-1a 64, linear probing)
/// 72   counts offset UInt64 (0: none)  (rows × Int64)
/// 80   matrix offset UInt64 (a multiple of 64)   88  file size UInt64
/// 96…127 reserved (0)
/// matrix: rows × dimension float32, row-major, 64-byte aligned
/// ```
/// Every offset is checked against the file size on open and every read is bounds-checked,
/// so a damaged file gives an error or an empty word, never a crash.
enum NativeFormat {
  static let magic = Array("EKVECTOR".utf8)
  static let version: UInt32 = 1
  static let headerSize = 128

  static func hasMagic(_ b: UnsafeRawBufferPointer) -> Bool {
    b.count >= 8 && Array(b[0..<8]) == magic
  }

  /// Maps `path` and wraps it; `options.limit` keeps only the first rows.
  static func read(path: String, options: VectorLoadOptions) throws -> WordVectors {
    let file = try NativeMapping(path: path)
    let h = file.header
    let rows = min(h.rows, options.limit ?? Int.max)
    let matrix = Matrix(
      borrowing: (file.base + h.matrixOffset).assumingMemoryBound(to: Float.self), rows: rows,
      columns: h.dimension, keepAlive: file)
    return WordVectors(matrix: matrix, vocabulary: MappedVocabulary(file: file, rows: rows))
  }

  /// Writes `vectors` atomically in the native layout.
  static func write(_ vectors: WordVectors, to path: String) throws {
    let words = vectors.words
    let counts = vectors.counts
    let rows = words.count
    var wordEnds: [UInt64] = []
    wordEnds.reserveCapacity(rows)
    var total: UInt64 = 0
    for w in words {
      total += UInt64(w.utf8.count)
      wordEnds.append(total)
    }
    var slots = 8
    while slots < rows * 2 { slots <<= 1 }
    var table = [UInt32](repeating: 0, count: slots)
    var seen = Set<String>()
    for (row, w) in words.enumerated() where seen.insert(w).inserted {
      var slot = Int(truncatingIfNeeded: hash(Array(w.utf8))) & (slots - 1)
      while table[slot] != 0 { slot = (slot + 1) & (slots - 1) }
      table[slot] = UInt32(row + 1)
    }
    func align(_ x: Int, _ a: Int) -> Int { (x + a - 1) / a * a }
    let wordBytesOffset = headerSize
    let wordEndsOffset = align(wordBytesOffset + Int(total), 8)
    let tableOffset = wordEndsOffset + rows * 8
    let countsOffset = counts.isEmpty ? 0 : tableOffset + slots * 4
    let afterCounts = counts.isEmpty ? tableOffset + slots * 4 : countsOffset + rows * 8
    let matrixOffset = align(afterCounts, 64)
    let fileSize = matrixOffset + rows * vectors.dimension * 4
    try AtomicFile.write(to: path) { out in
      var written = 0
      func put(_ bytes: UnsafeRawBufferPointer) throws {
        try out.write(bytes)
        written += bytes.count
      }
      var header = [UInt8](repeating: 0, count: headerSize)
      header.withUnsafeMutableBytes { h in
        h.copyBytes(from: magic)
        h.storeBytes(of: version.littleEndian, toByteOffset: 8, as: UInt32.self)
        h.storeBytes(
          of: UInt32(counts.isEmpty ? 0 : 1).littleEndian, toByteOffset: 12, as: UInt32.self)
        let fields: [Int] = [
          rows, vectors.dimension, wordBytesOffset, Int(total), wordEndsOffset, tableOffset, slots,
          countsOffset, matrixOffset, fileSize,
        ]
        for (i, v) in fields.enumerated() {
          h.storeBytes(of: UInt64(v).littleEndian, toByteOffset: 16 + i * 8, as: UInt64.self)
        }
      }
      try header.withUnsafeBytes { try put($0) }
      for w in words { try Array(w.utf8).withUnsafeBytes { try put($0) } }
      try padZeros(out, &written, to: wordEndsOffset)
      try wordEnds.map(\.littleEndian).withUnsafeBytes { try put($0) }
      try table.map(\.littleEndian).withUnsafeBytes { try put($0) }
      if !counts.isEmpty {
        try counts.map { Int64($0).littleEndian }.withUnsafeBytes { try put($0) }
      }
      try padZeros(out, &written, to: matrixOffset)
      try put(UnsafeRawBufferPointer(vectors.matrix.buffer))
    }
  }

  private static func padZeros(_ out: AtomicFile.Writer, _ written: inout Int, to offset: Int)
    throws
  {
    let zeros = [UInt8](repeating: 0, count: offset - written)
    try out.write(zeros)
    written = offset
  }

  /// FNV-1a, 64-bit.
  @inline(__always)
  static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return h
  }
}

/// The header fields of a native file, validated against its size.
struct NativeHeader {
  var rows: Int
  var dimension: Int
  var hasCounts: Bool
  var wordBytesOffset: Int
  var wordBytesLength: Int
  var wordEndsOffset: Int
  var tableOffset: Int
  var tableSlots: Int
  var countsOffset: Int
  var matrixOffset: Int
}

/// A native file mapped copy-on-write (the matrix may be written to without touching the
/// file), unmapped when the last `WordVectors`/`Matrix` using it goes away.
final class NativeMapping: @unchecked Sendable {
  let base: UnsafeMutableRawPointer
  let length: Int
  let header: NativeHeader
  let path: String

  init(path: String) throws {
    self.path = path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
    }
    let size = Int(info.st_size)
    func fail(_ reason: String, _ offset: Int) -> EmbeddingError {
      .malformed(path: path, location: "byte \(offset)", reason: reason)
    }
    guard size >= NativeFormat.headerSize else {
      throw fail("file too short for the 128-byte header", size)
    }
    guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), p != MAP_FAILED
    else {
      throw EmbeddingError.io(path: path, reason: "cannot map: \(String(cString: strerror(errno)))")
    }
    do {
      header = try NativeMapping.validate(UnsafeRawBufferPointer(start: p, count: size), fail: fail)
    } catch {
      munmap(p, size)
      throw error
    }
    base = p
    length = size
  }

  deinit { munmap(base, length) }

  private static func validate(
    _ b: UnsafeRawBufferPointer, fail: (String, Int) -> EmbeddingError
  ) throws -> NativeHeader {
    guard NativeFormat.hasMagic(b) else {
      throw fail("not an EmbeddingKit native file (no EKVECTOR magic)", 0)
    }
    let version = b.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
    guard version == NativeFormat.version else {
      throw fail(
        "format version \(version); this EmbeddingKit reads version \(NativeFormat.version) (upgrade it)",
        8)
    }
    let flags = b.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian
    func field(_ i: Int) throws -> Int {
      let v = b.loadUnaligned(fromByteOffset: 16 + i * 8, as: UInt64.self).littleEndian
      guard v <= UInt64(1) << 48 else {
        throw fail("header field \(i) is out of range (\(v))", 16 + i * 8)
      }
      return Int(v)
    }
    let h = NativeHeader(
      rows: try field(0), dimension: try field(1), hasCounts: flags & 1 != 0,
      wordBytesOffset: try field(2), wordBytesLength: try field(3), wordEndsOffset: try field(4),
      tableOffset: try field(5), tableSlots: try field(6), countsOffset: try field(7),
      matrixOffset: try field(8))
    let size = b.count
    let declared = try field(9)
    guard declared == size else {
      throw fail(
        "the header says the file has \(declared) bytes but it has \(size); it is truncated or damaged",
        size)
    }
    guard h.dimension > 0 || h.rows == 0 else { throw fail("dimension is 0", 24) }
    func inside(_ offset: Int, _ length: Int, _ what: String, _ at: Int) throws {
      let (end, overflow) = offset.addingReportingOverflow(length)
      guard !overflow, offset >= NativeFormat.headerSize || length == 0, end <= size else {
        throw fail("\(what) (bytes \(offset)..<\(end)) lies outside the file (\(size) bytes)", at)
      }
    }
    try inside(h.wordBytesOffset, h.wordBytesLength, "the word bytes", 32)
    try inside(h.wordEndsOffset, h.rows * 8, "the word ends", 48)
    guard h.tableSlots >= 1, h.tableSlots & (h.tableSlots - 1) == 0, h.tableSlots >= h.rows else {
      throw fail("hash table size \(h.tableSlots) is not a power of two ≥ rows", 64)
    }
    try inside(h.tableOffset, h.tableSlots * 4, "the hash table", 56)
    if h.hasCounts { try inside(h.countsOffset, h.rows * 8, "the counts", 72) }
    guard h.matrixOffset % 64 == 0 else {
      throw fail("the matrix offset is not 64-byte aligned", 80)
    }
    let (matrixBytes, overflow) = h.rows.multipliedReportingOverflow(by: h.dimension * 4)
    guard !overflow else { throw fail("rows × dimension overflows", 16) }
    try inside(h.matrixOffset, matrixBytes, "the matrix", 80)
    return h
  }
}

/// Word lookups straight from a mapped native file.
///
/// Every read is bounds-checked.
struct MappedVocabulary: VocabularyStore, @unchecked Sendable {
  // The mapping is read-only here and lives as long as this struct (it holds a reference).
  let file: NativeMapping
  let rows: Int

  var count: Int { rows }
  var hasCounts: Bool { file.header.hasCounts }

  /// Bytes of row `row`'s word, clamped to the word-bytes area.
  private func wordBytes(_ row: Int) -> UnsafeRawBufferPointer {
    let h = file.header
    let ends = file.base + h.wordEndsOffset
    let end = Int(
      min(
        ends.loadUnaligned(fromByteOffset: row * 8, as: UInt64.self).littleEndian,
        UInt64(h.wordBytesLength)))
    let start =
      row == 0
      ? 0
      : Int(
        min(
          ends.loadUnaligned(fromByteOffset: (row - 1) * 8, as: UInt64.self).littleEndian,
          UInt64(end)))
    return UnsafeRawBufferPointer(start: file.base + h.wordBytesOffset + start, count: end - start)
  }

  func word(at row: Int) -> String {
    String(decoding: wordBytes(row).bindMemory(to: UInt8.self), as: UTF8.self)
  }

  func count(at row: Int) -> Int {
    guard hasCounts else { return 0 }
    return Int(
      truncatingIfNeeded: (file.base + file.header.countsOffset).loadUnaligned(
        fromByteOffset: row * 8, as: Int64.self
      ).littleEndian)
  }

  func index(of word: String) -> Int? {
    var w = word
    return w.withUTF8 { target -> Int? in
      let h = file.header
      let mask = h.tableSlots - 1
      var slot = Int(truncatingIfNeeded: NativeFormat.hash(target)) & mask
      let table = file.base + h.tableOffset
      for _ in 0..<h.tableSlots {
        let entry = Int(table.loadUnaligned(fromByteOffset: slot * 4, as: UInt32.self).littleEndian)
        if entry == 0 { return nil }
        let row = entry - 1
        if row < h.rows {
          let bytes = wordBytes(row)
          if bytes.count == target.count
            && (target.isEmpty || bytes.elementsEqual(UnsafeRawBufferPointer(target)))
          {
            return row < rows ? row : nil
          }
        }
        slot = (slot + 1) & mask
      }
      return nil
    }
  }
}
