import Foundation

/// Bounds-checked little-endian reads over a model file's bytes (Word2Vec checkpoints, SIF and Doc2Vec
/// models).
///
/// Every read past the end throws `EmbeddingError.malformed` with the byte offset, so a
/// truncated or damaged file gives a clear error, never a crash.
package struct BinaryFileReader {
  package let bytes: UnsafeRawBufferPointer
  package let path: String
  package var offset = 0

  package init(bytes: UnsafeRawBufferPointer, path: String) {
    self.bytes = bytes
    self.path = path
  }

  /// The next `count` bytes.
  package mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, count <= bytes.count - offset else {
      throw EmbeddingError.malformed(
        path: path, location: "byte \(offset)",
        reason: "the file ends early (truncated model: \(bytes.count) bytes)")
    }
    defer { offset += count }
    return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
  }

  /// Checks an 8-byte tag (magic or trailer).
  package mutating func expectTag(_ tag: [UInt8], reason: String) throws {
    let at = offset
    guard Array(try bytes(tag.count)) == tag else {
      throw EmbeddingError.malformed(path: path, location: "byte \(at)", reason: reason)
    }
  }

  package mutating func value<T: FixedWidthInteger>() throws -> T {
    T(littleEndian: try bytes(MemoryLayout<T>.size).loadUnaligned(as: T.self))
  }

  package mutating func value() throws -> Double { Double(bitPattern: try value() as UInt64) }

  package mutating func value() throws -> Float { Float(bitPattern: try value() as UInt32) }

  /// A count stored as UInt64 that must fit in `Int`.
  package mutating func count() throws -> Int {
    let at = offset
    let raw: UInt64 = try value()
    guard let n = Int(exactly: raw) else {
      throw EmbeddingError.malformed(
        path: path, location: "byte \(at)",
        reason: "the count \(raw) is too large (file damaged?)")
    }
    return n
  }

  /// A count stored as UInt64, checked against `limit` (what the rest of the file can hold).
  package mutating func count(limit: Int, what: String) throws -> Int {
    let at = offset
    let v: UInt64 = try value()
    guard v <= UInt64(limit) else {
      throw EmbeddingError.malformed(path: path, location: "byte \(at)", reason: "bad \(what) \(v)")
    }
    return Int(v)
  }

  /// A UTF-8 string stored as UInt32 byte length + bytes.
  package mutating func string() throws -> String {
    let length = Int(try value() as UInt32)
    let at = offset
    guard let s = String(validating: try bytes(length), as: UTF8.self) else {
      throw EmbeddingError.malformed(path: path, location: "byte \(at)", reason: "not valid UTF-8")
    }
    return s
  }

  /// `count` floats.
  package mutating func floats(_ count: Int) throws -> [Float] {
    let raw = try bytes(count * 4)
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
      if count > 0 { UnsafeMutableRawBufferPointer(out).copyMemory(from: raw) }
      initialized = count
    }
  }

  /// Maps `path` and runs `body` over its bytes.
  package static func withFile<R>(path: String, _ body: (inout BinaryFileReader) throws -> R) throws
    -> R
  {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      throw EmbeddingError.io(
        path: path, reason: "cannot read the model file (\(error.localizedDescription))")
    }
    return try data.withUnsafeBytes { raw in
      var reader = BinaryFileReader(bytes: raw, path: path)
      return try body(&reader)
    }
  }
}

/// The writing side of `BinaryFileReader`: strings as UInt32 length + UTF-8 bytes, raw floats.
extension AtomicFile.Writer {
  /// Appends a UTF-8 string as UInt32 byte length + bytes.
  package func writeString(_ string: String) throws {
    var s = string
    try s.withUTF8 { bytes in
      try writeValue(UInt32(bytes.count))
      try write(UnsafeRawBufferPointer(bytes))
    }
  }

  /// Appends floats.
  package func writeFloats(_ values: UnsafeBufferPointer<Float>) throws {
    try write(UnsafeRawBufferPointer(values))
  }
}
