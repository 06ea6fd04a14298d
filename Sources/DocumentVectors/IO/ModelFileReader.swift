import EmbeddingCore
import Foundation

/// Bounds-checked little-endian reads over a model file's bytes (the SIF and Doc2Vec files).
///
/// Every read past the end throws `EmbeddingError.malformed` with the byte offset, so a
/// truncated or damaged file gives a clear error, never a crash.
struct ModelFileReader {
  let bytes: UnsafeRawBufferPointer
  let path: String
  var offset = 0

  init(bytes: UnsafeRawBufferPointer, path: String) {
    self.bytes = bytes
    self.path = path
  }

  /// The next `count` bytes.
  mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, count <= bytes.count - offset else {
      throw EmbeddingError.malformed(
        path: path, location: "byte \(offset)",
        reason: "the file ends early (truncated model: \(bytes.count) bytes)")
    }
    defer { offset += count }
    return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
  }

  /// Checks an 8-byte tag (magic or trailer).
  mutating func expectTag(_ tag: [UInt8], reason: String) throws {
    let at = offset
    guard Array(try bytes(tag.count)) == tag else {
      throw EmbeddingError.malformed(path: path, location: "byte \(at)", reason: reason)
    }
  }

  mutating func value<T: FixedWidthInteger>() throws -> T {
    T(littleEndian: try bytes(MemoryLayout<T>.size).loadUnaligned(as: T.self))
  }

  mutating func value() throws -> Double { Double(bitPattern: try value() as UInt64) }

  mutating func value() throws -> Float { Float(bitPattern: try value() as UInt32) }

  /// A count stored as UInt64, checked against `limit` (what the rest of the file can hold).
  mutating func count(limit: Int, what: String) throws -> Int {
    let at = offset
    let v: UInt64 = try value()
    guard v <= UInt64(limit) else {
      throw EmbeddingError.malformed(path: path, location: "byte \(at)", reason: "bad \(what) \(v)")
    }
    return Int(v)
  }

  /// A UTF-8 string stored as UInt32 byte length + bytes.
  mutating func string() throws -> String {
    let length = Int(try value() as UInt32)
    let at = offset
    guard let s = String(validating: try bytes(length), as: UTF8.self) else {
      throw EmbeddingError.malformed(path: path, location: "byte \(at)", reason: "not valid UTF-8")
    }
    return s
  }

  /// `count` floats.
  mutating func floats(_ count: Int) throws -> [Float] {
    let raw = try bytes(count * 4)
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
      if count > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
      initialized = count
    }
  }

  /// Maps `path` and runs `body` over its bytes.
  static func withFile<R>(path: String, _ body: (inout ModelFileReader) throws -> R) throws -> R {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      throw EmbeddingError.io(
        path: path, reason: "cannot read the model file (\(error.localizedDescription))")
    }
    return try data.withUnsafeBytes { raw in
      var reader = ModelFileReader(bytes: raw, path: path)
      return try body(&reader)
    }
  }
}

extension AtomicFile.Writer {
  /// Appends a UTF-8 string as UInt32 byte length + bytes.
  func writeString(_ string: String) throws {
    var s = string
    try s.withUTF8 { bytes in
      try writeValue(UInt32(bytes.count))
      try write(UnsafeRawBufferPointer(bytes))
    }
  }

  /// Appends floats.
  func writeFloats(_ values: UnsafeBufferPointer<Float>) throws {
    try write(UnsafeRawBufferPointer(values))
  }
}

/// A stable hex fingerprint of a matrix (FNV-1a 64 over its shape and float bits), so a model
/// fitted on some vectors can tell when it is used with others.
///
/// - Complexity: O(rows × columns).
func matrixFingerprint(_ matrix: Matrix) -> String {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  @inline(__always) func mix(_ v: UInt64) {
    h ^= v
    h = h &* 0x0000_0100_0000_01B3
  }
  mix(UInt64(matrix.rows))
  mix(UInt64(matrix.columns))
  let count = matrix.count
  let raw = UnsafeRawPointer(matrix.baseAddress)
  var i = 0
  while i + 2 <= count {
    mix(raw.loadUnaligned(fromByteOffset: i * 4, as: UInt64.self))
    i += 2
  }
  if i < count { mix(UInt64(matrix.baseAddress[i].bitPattern)) }
  return String(h, radix: 16)
}
