// Character classes for the pre-tokenizers, looked up per Unicode scalar from a table.

/// Bit flags describing one Unicode scalar, as the pre-tokenization patterns see it.
///
/// `letter` is `\p{L}`, `number` is `\p{N}`, `space` is `\s` (the Unicode White_Space property,
/// which is what tiktoken's Rust regex engine uses), `mark` is `\p{M}`. `upperish` is o200k's
/// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]` and `lowerish` its `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`.
/// A scalar with none of `letter`, `number`, `space` is "other" (`[^\s\p{L}\p{N}]`).
enum ScalarClass {
  static let letter: UInt8 = 1
  static let number: UInt8 = 2
  static let space: UInt8 = 4
  static let mark: UInt8 = 8
  static let upperish: UInt8 = 16
  static let lowerish: UInt8 = 32
  /// `letter | number | space`: a scalar with none of these is punctuation/symbol ("other").
  static let wordOrSpace: UInt8 = 7

  /// The Unicode version whose character database tiktoken's regex engine (the Rust `regex` crate
  /// used by tiktoken 0.14) carries.
  ///
  /// Swift 6.3 knows Unicode 17.0; scalars assigned after this version are treated as unassigned
  /// (class "other"), as tiktoken sees them.
  static let unicodeVersion = (major: 16, minor: 0)

  /// The class of one scalar from its Unicode properties, as of `unicodeVersion`.
  static func compute(_ value: UInt32) -> UInt8 {
    guard let scalar = Unicode.Scalar(value) else { return 0 }
    let properties = scalar.properties
    guard let age = properties.age,
      age.major < unicodeVersion.major
        || (age.major == unicodeVersion.major && age.minor <= unicodeVersion.minor)
    else { return 0 }
    var flags: UInt8
    switch properties.generalCategory {
    case .uppercaseLetter, .titlecaseLetter: flags = letter | upperish
    case .lowercaseLetter: flags = letter | lowerish
    case .modifierLetter, .otherLetter: flags = letter | upperish | lowerish
    case .nonspacingMark, .spacingMark, .enclosingMark: flags = mark | upperish | lowerish
    case .decimalNumber, .letterNumber, .otherNumber: flags = number
    default: flags = 0
    }
    if properties.isWhitespace { flags |= space }
    return flags
  }
}

/// The class of every Unicode scalar (1.1 MB), built once on first use from the standard
/// library's Unicode properties (about 0.1 s).
///
/// Read-only after construction, so sharing it between threads is safe.
final class ScalarClassTable: @unchecked Sendable {
  static let shared = ScalarClassTable()

  /// `classes[scalar]`; invalid scalars (surrogates) are 0.
  let classes: UnsafeMutablePointer<UInt8>

  private init() {
    let count = 0x11_0000
    classes = .allocate(capacity: count)
    for value in 0..<UInt32(count) { classes[Int(value)] = ScalarClass.compute(value) }
  }
}

/// Decodes one scalar at `index` and returns its class and its length in bytes.
///
/// Invalid UTF-8 (a stray continuation byte, an overlong form, a surrogate, a truncated
/// sequence) counts as one "other" byte, so every byte belongs to exactly one piece.
@inline(__always)
func classAt(
  _ bytes: UnsafePointer<UInt8>, _ index: Int, _ end: Int, _ table: UnsafePointer<UInt8>
) -> (flags: UInt8, length: Int) {
  let b0 = bytes[index]
  if b0 < 0x80 { return (table[Int(b0)], 1) }
  return classAtSlow(bytes, index, end, table)
}

@inline(never)
func classAtSlow(
  _ bytes: UnsafePointer<UInt8>, _ index: Int, _ end: Int, _ table: UnsafePointer<UInt8>
) -> (flags: UInt8, length: Int) {
  let length = utf8SequenceLength(bytes, index, end)
  guard length > 1 else { return (0, 1) }
  let b0 = UInt32(bytes[index])
  var value: UInt32
  switch length {
  case 2: value = (b0 & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
  case 3:
    value =
      (b0 & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6
      | UInt32(bytes[index + 2] & 0x3F)
  default:
    value =
      (b0 & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
      | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F)
  }
  return (table[Int(value)], length)
}

/// The length of the valid UTF-8 sequence at `index`, or 0 if the bytes there are not valid
/// UTF-8 (same rules as Rust's `std::str::from_utf8`: no overlongs, surrogates or > U+10FFFF).
@inline(__always)
func utf8SequenceLength(_ bytes: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Int {
  let b0 = bytes[index]
  if b0 < 0x80 { return 1 }
  @inline(__always) func isContinuation(_ i: Int) -> Bool {
    i < end && bytes[i] & 0xC0 == 0x80
  }
  switch b0 {
  case 0xC2...0xDF:
    return isContinuation(index + 1) ? 2 : 0
  case 0xE0...0xEF:
    guard index + 1 < end else { return 0 }
    let b1 = bytes[index + 1]
    let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
    let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
    guard b1 >= low && b1 <= high && isContinuation(index + 2) else { return 0 }
    return 3
  case 0xF0...0xF4:
    guard index + 1 < end else { return 0 }
    let b1 = bytes[index + 1]
    let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
    let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
    guard b1 >= low && b1 <= high && isContinuation(index + 2) && isContinuation(index + 3)
    else { return 0 }
    return 4
  default:
    return 0
  }
}

/// The length of the longest valid UTF-8 prefix (Rust's `Utf8Error::valid_up_to`).
func validUTF8PrefixLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
  guard let base = bytes.baseAddress else { return 0 }
  let end = bytes.count
  var i = 0
  while i < end {
    if base[i] < 0x80 {
      i += 1
      continue
    }
    let length = utf8SequenceLength(base, i, end)
    if length == 0 { return i }
    i += length
  }
  return end
}
