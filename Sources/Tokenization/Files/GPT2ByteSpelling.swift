/// GPT-2's byte-to-unicode alphabet: the printable spelling of token bytes (`" the"` →
/// `"Ġthe"`), as in `encoder.json` and `vocab.bpe`. The one definition in the package.
///
/// Printable bytes `!`…`~`, `¡`…`¬`, `®`…`ÿ` stand for themselves; the other 68 byte values map
/// to U+0100 upward, in byte order. The spelling has no whitespace, so token vectors can be
/// saved in word2vec and GloVe formats, and it reads back to the same bytes.
///
/// ```swift
/// GPT2ByteSpelling.spell(Array(" the".utf8))   // "Ġthe"
/// GPT2ByteSpelling.byte(of: "Ġ")               // 0x20
/// ```
public enum GPT2ByteSpelling {
  /// The scalar standing for each byte value.
  static let scalars: [Unicode.Scalar] = {
    let printable = Set(Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF))
    var table = [Unicode.Scalar](repeating: " ", count: 256)
    var next: UInt32 = 256
    for b in 0..<256 {
      if printable.contains(b) {
        table[b] = Unicode.Scalar(UInt8(b))
      } else {
        // U+0100 + k is a valid scalar for k < 68 (far below the surrogate range).
        table[b] = Unicode.Scalar(next) ?? " "
        next += 1
      }
    }
    return table
  }()

  /// The map back from scalars to bytes.
  static let bytesOfScalars: [Unicode.Scalar: UInt8] = {
    var map: [Unicode.Scalar: UInt8] = [:]
    for (b, scalar) in scalars.enumerated() { map[scalar] = UInt8(b) }
    return map
  }()

  /// The spelling of `bytes`.
  public static func spell(_ bytes: [UInt8]) -> String {
    var s = String.UnicodeScalarView()
    for b in bytes { s.append(scalars[Int(b)]) }
    return String(s)
  }

  /// The byte that `scalar` stands for, or nil if it is not in the alphabet.
  public static func byte(of scalar: Unicode.Scalar) -> UInt8? { bytesOfScalars[scalar] }
}
