// Per-scalar classes for BERT normalization and pre-tokenization, pinned to the Unicode
// versions that Hugging Face `tokenizers` carries.
import Foundation

/// Bit flags for one Unicode scalar, as Hugging Face's `BertNormalizer` and
/// `BertPreTokenizer` see it.
enum BertScalar {
  /// Removed by `clean_text`: NUL, U+FFFD and `is_other` (Cc, Cf, Co) except `\t\n\r`.
  static let drop: UInt8 = 1
  /// Turned into a space by `clean_text` (`\t\n\r` and Rust `char::is_whitespace`).
  static let cleanSpace: UInt8 = 2
  /// A CJK ideograph in HF's `is_chinese_char` ranges.
  static let chinese: UInt8 = 4
  /// A pre-tokenizer split point (Rust `char::is_whitespace`).
  static let space: UInt8 = 8
  /// Isolated by the pre-tokenizer (ASCII punctuation or a Unicode `P*` category).
  static let punctuation: UInt8 = 16
  /// A non-spacing mark (Mn), dropped when accents are stripped.
  static let nonspacingMark: UInt8 = 32
  /// Has a canonical decomposition (NFD differs from the scalar).
  static let decomposes: UInt8 = 64
  /// `to_lowercase` differs from the scalar.
  static let lowercases: UInt8 = 128

  /// The Unicode version of the `unicode_categories` crate (`is_other`, `is_punctuation`,
  /// `is_mark_nonspacing`) used by `tokenizers` 0.23: scalars assigned later have no category.
  static let categoriesVersion = (major: 8, minor: 0)
  /// The Unicode version of the `unicode-normalization-alignments` crate (NFD).
  static let normalizationVersion = (major: 8, minor: 0)
  /// The Unicode version of Rust's standard library (`is_whitespace`, `to_lowercase`) in
  /// the `tokenizers` 0.23 wheels.
  static let rustVersion = (major: 16, minor: 0)

  static func assigned(
    _ properties: Unicode.Scalar.Properties, by version: (major: Int, minor: Int)
  )
    -> Bool
  {
    guard let age = properties.age else { return false }
    return age.major < version.major || (age.major == version.major && age.minor <= version.minor)
  }

  /// HF's `is_chinese_char` ranges (the CJK Unified Ideographs blocks and extensions).
  static func isChinese(_ value: UInt32) -> Bool {
    switch value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
      0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
      return true
    default: return false
    }
  }

  /// The flags of one scalar, apart from `decomposes` (see ``BertScalarTable``).
  static func compute(_ value: UInt32) -> UInt8 {
    guard let scalar = Unicode.Scalar(value) else { return 0 }
    let properties = scalar.properties
    var flags: UInt8 = 0
    let category = assigned(properties, by: categoriesVersion) ? properties.generalCategory : nil
    let rust = assigned(properties, by: rustVersion)
    let whitespace = rust && properties.isWhitespace
    if value == 0 || value == 0xFFFD {
      flags |= drop
    } else if value == 0x09 || value == 0x0A || value == 0x0D {
      flags |= cleanSpace
    } else {
      switch category {
      case .control, .format, .privateUse: flags |= drop
      default: if whitespace { flags |= cleanSpace }
      }
    }
    if isChinese(value) { flags |= chinese }
    if whitespace { flags |= space }
    if value < 0x80 {
      if (0x21...0x2F).contains(value) || (0x3A...0x40).contains(value)
        || (0x5B...0x60).contains(value) || (0x7B...0x7E).contains(value)
      {
        flags |= punctuation
      }
    } else {
      switch category {
      case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
        .initialPunctuation, .finalPunctuation, .otherPunctuation:
        flags |= punctuation
      case .nonspacingMark: flags |= nonspacingMark
      default: break
      }
    }
    if rust {
      let lower = properties.lowercaseMapping.unicodeScalars
      if lower.count != 1 || lower.first?.value != value { flags |= lowercases }
    }
    return flags
  }
}

/// The ``BertScalar`` flags of every Unicode scalar (1.1 MB) and the lowercase and
/// decomposition mappings of those that have one, built once on first use (about 0.3 s).
///
/// Read-only after construction, so sharing it between threads is safe.
final class BertScalarTable: @unchecked Sendable {
  static let shared = BertScalarTable()

  /// `flags[scalar]`; surrogates are 0.
  let flags: UnsafeMutablePointer<UInt8>
  /// Rust `to_lowercase` of the scalars flagged `lowercases`.
  let lowercase: [UInt32: [UInt32]]
  /// NFD of the scalars flagged `decomposes` (Hangul syllables are decomposed by rule).
  let decomposition: [UInt32: [UInt32]]

  private init() {
    let count = 0x11_0000
    flags = .allocate(capacity: count)
    var lower: [UInt32: [UInt32]] = [:]
    var decomposed: [UInt32: [UInt32]] = [:]
    for value in 0..<UInt32(count) {
      var f = BertScalar.compute(value)
      if f & BertScalar.lowercases != 0, let scalar = Unicode.Scalar(value) {
        lower[value] = scalar.properties.lowercaseMapping.unicodeScalars.map(\.value)
      }
      if let nfd = Self.canonicalDecomposition(value) {
        f |= BertScalar.decomposes
        if !(0xAC00...0xD7A3).contains(value) { decomposed[value] = nfd }
      }
      flags[Int(value)] = f
    }
    lowercase = lower
    decomposition = decomposed
  }

  /// The full canonical decomposition of `value` if it has one, as of
  /// `BertScalar.normalizationVersion`.
  private static func canonicalDecomposition(_ value: UInt32) -> [UInt32]? {
    if (0xAC00...0xD7A3).contains(value) { return hangul(value) }
    // Blocks without any canonical decomposition, skipped for speed.
    if value < 0xC0 || (0x3400...0x9FFF).contains(value) || (0xE000...0xF8FF).contains(value)
      || (0x20000...0x2F7FF).contains(value) || value >= 0x2FA20
    {
      return nil
    }
    guard let scalar = Unicode.Scalar(value),
      BertScalar.assigned(scalar.properties, by: BertScalar.normalizationVersion)
    else { return nil }
    let nfd = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
    if nfd.count == 1 && nfd.first?.value == value { return nil }
    return nfd.map(\.value)
  }

  /// The algorithmic decomposition of a Hangul syllable into two or three jamo.
  static func hangul(_ value: UInt32) -> [UInt32] {
    let index = value - 0xAC00
    let lead = 0x1100 + index / 588
    let vowel = 0x1161 + (index % 588) / 28
    let trail = index % 28
    return trail == 0 ? [lead, vowel] : [lead, vowel, 0x11A7 + trail]
  }
}
