import EmbeddingCore
import Foundation

/// A deterministic test encoder: hashed bag of lower-cased words, unit length (as in RetrievalTests).
///
/// Token spans are words and single punctuation marks, so sentence ends are tokens as in WordPiece.
struct HashingEncoder: TextEncoder {
  let descriptor: EncoderDescriptor

  init(dimension: Int = 256, name: String = "hashing-test") {
    descriptor = EncoderDescriptor(
      kind: "test", name: name, dimension: dimension, fingerprint: "fnv\(dimension)",
      normalized: true)
  }

  func encode(_ texts: [String], role: TextRole) throws -> Matrix {
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

  func tokenSpans(of text: String) -> [Range<Int>] {
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
