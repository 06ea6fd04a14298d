import Foundation

/// Parsing and printing of decimal floats in text vector files, over raw UTF-8 bytes.
///
/// Parsing takes Clinger's fast path (≤ 19 significant digits, |exponent| ≤ 22: one exact
/// double multiply or divide, so the result is correctly rounded) and falls back to `strtod`
/// for anything else (long mantissas, `nan`, `inf`). The double is then rounded to `Float`,
/// which is what numpy does for gensim (`float32(float(text))`).
enum DecimalText {
  private static let powersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }

  /// Parses the token `p[0..<n]` as a float; nil if it is not a number.
  ///
  /// - Complexity: O(n).
  @inline(__always)
  static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? {
    var i = 0
    var negative = false
    if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
      negative = p[i] == UInt8(ascii: "-")
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var sawDigit = false
    while i < n, p[i] &- 48 < 10 {
      sawDigit = true
      if digits < 19 {
        mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
        if mantissa != 0 { digits += 1 }
      } else {
        return slowParse(p, n)
      }
      i += 1
    }
    if i < n && p[i] == UInt8(ascii: ".") {
      i += 1
      while i < n, p[i] &- 48 < 10 {
        sawDigit = true
        if digits < 19 {
          mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
          if mantissa != 0 { digits += 1 }
          exponent -= 1
        } else {
          return slowParse(p, n)
        }
        i += 1
      }
    }
    guard sawDigit else { return slowParse(p, n) }
    if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
      i += 1
      var expNegative = false
      if i < n && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
        expNegative = p[i] == UInt8(ascii: "-")
        i += 1
      }
      var e = 0
      var expDigits = 0
      while i < n, p[i] &- 48 < 10 {
        if e < 100_000 { e = e * 10 + Int(p[i] &- 48) }
        expDigits += 1
        i += 1
      }
      guard expDigits > 0 else { return nil }
      exponent += expNegative ? -e : e
    }
    guard i == n else { return nil }
    guard mantissa < (1 << 53), exponent >= -22, exponent <= 22 else { return slowParse(p, n) }
    var value = Double(mantissa)
    value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
    return Float(negative ? -value : value)
  }

  /// `strtod` on a NUL-terminated copy; nil unless the whole token is consumed.
  private static func slowParse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Float? {
    guard n > 0, n < 512 else { return nil }
    return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer in
      guard let base = buffer.baseAddress else { return nil }
      UnsafeMutableRawPointer(base).copyMemory(from: p, byteCount: n)
      base[n] = 0
      var end: UnsafeMutablePointer<CChar>?
      let value = strtod(base, &end)
      guard let end, end - base == n else { return nil }
      return Float(value)
    }
  }

  /// Appends `value` printed as the shortest decimal that reads back to the same `Float`.
  static func append(_ value: Float, to out: inout [UInt8]) {
    out.append(contentsOf: value.description.utf8)
  }
}
