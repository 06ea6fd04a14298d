import EmbeddingCore
import Foundation

/// A deterministic test encoder for the index tests (SQLite and PostgreSQL stores): hashed bag of
/// lower-cased words, unit length.
///
/// Token spans are words and single punctuation marks, so sentence ends are tokens as in WordPiece.
public struct HashingEncoder: TextEncoder {
  public let descriptor: EncoderDescriptor
  /// Texts encoded so far (to check which chunks were re-embedded).
  public let log = EncodeLog()

  public init(dimension: Int = 256, name: String = "hashing-test") {
    descriptor = EncoderDescriptor(
      kind: "test", name: name, dimension: dimension, fingerprint: "fnv\(dimension)",
      normalized: true)
  }

  public func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    log.append(texts)
    let m = Matrix(rows: texts.count, columns: dimension)
    for (r, text) in texts.enumerated() {
      let p = m.rowPointer(r)
      for i in 0..<dimension { p[i] = 0 }
      for word in words(text) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in word.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        p[Int(h % UInt64(dimension))] += 1
      }
      _ = VectorKernels.normalize(p, dimension)
    }
    return m
  }

  public func tokenSpans(of text: String) -> [Range<Int>] {
    var spans: [Range<Int>] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if isWordByte(b) {
        let s = i
        while i < bytes.count && isWordByte(bytes[i]) { i += 1 }
        spans.append(s..<i)
      } else {
        if b != 32 && b != 10 && b != 9 && b != 13 { spans.append(i..<i + 1) }
        i += 1
      }
    }
    return spans
  }

  private func isWordByte(_ b: UInt8) -> Bool {
    (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 128
  }

  private func words(_ text: String) -> [String] {
    tokenSpans(of: text).map { String(decoding: Array(text.utf8)[$0], as: UTF8.self).lowercased() }
  }
}

/// A thread-safe list of encoded texts.
public final class EncodeLog: @unchecked Sendable {
  private let lock = NSLock()
  private var texts: [String] = []

  public func append(_ new: [String]) {
    lock.lock()
    texts += new
    lock.unlock()
  }

  public var all: [String] {
    lock.lock()
    defer { lock.unlock() }
    return texts
  }

  public func reset() {
    lock.lock()
    texts = []
    lock.unlock()
  }
}
