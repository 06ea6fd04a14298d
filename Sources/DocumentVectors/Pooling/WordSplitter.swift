import Foundation

/// Cuts text into words the way word vectors were trained, so that lookups find them.
///
/// Three normalisations, matching the three common ways corpora are prepared:
/// - `none`: words are the runs of bytes between ASCII whitespace (space, tab, LF, VT, FF, CR),
///   as `embed train` and word2vec.c read a corpus; nothing is changed.
/// - `lowercase`: the same words, lower-cased (ASCII bytes directly, other words through
///   `String.lowercased()`).
/// - `text8`: the normalisation of text8 and `en-words`: letters are lower-cased, accents are
///   folded away (`é → e`), and every character outside `a…z` separates words (`don't → don t`,
///   digits and punctuation vanish).
///
/// ```swift
/// let splitter = WordSplitter(.text8)
/// splitter.words(in: "A man, dancing.")   // ["a", "man", "dancing"]
/// splitter.spans(of: "A man, dancing.")   // [0..<1, 2..<5, 7..<14]
/// ```
public struct WordSplitter: Sendable, Equatable {
  /// How words are normalised before lookup.
  public enum Normalization: String, Sendable, CaseIterable, Codable {
    /// Split on ASCII whitespace; words as they are.
    case none
    /// Split on ASCII whitespace; words lower-cased.
    case lowercase
    /// Lower-case, fold accents, and split on every character outside `a…z` (text8-style).
    case text8

    /// Stable code stored in model files.
    var code: UInt32 {
      switch self {
      case .none: 0
      case .lowercase: 1
      case .text8: 2
      }
    }

    /// The normalisation stored as `code`, or nil.
    init?(code: UInt32) {
      switch code {
      case 0: self = .none
      case 1: self = .lowercase
      case 2: self = .text8
      default: return nil
      }
    }
  }

  /// The normalisation applied to every word.
  public var normalization: Normalization

  /// Creates a splitter (default: whitespace only, no change to the words).
  public init(_ normalization: Normalization = .none) {
    self.normalization = normalization
  }

  /// The UTF-8 byte ranges of the words of `text`, in order.
  ///
  /// - Complexity: O(text bytes).
  public func spans(of text: String) -> [Range<Int>] {
    var spans: [Range<Int>] = []
    var copy = text
    copy.withUTF8 { bytes in
      forEachWord(in: UnsafeRawBufferPointer(bytes)) { _, span in
        if spans.last != span { spans.append(span) }
      }
    }
    return spans
  }

  /// The normalised words of `text`, in order (what is looked up in the vectors).
  ///
  /// - Complexity: O(text bytes).
  public func words(in text: String) -> [String] {
    var words: [String] = []
    var copy = text
    copy.withUTF8 { bytes in
      forEachWord(in: UnsafeRawBufferPointer(bytes)) { word, _ in words.append(word) }
    }
    return words
  }

  /// Calls `body` with each normalised word and the byte range it came from. With `text8`, one
  /// range can yield several words (a folded character may separate them).
  func forEachWord(in bytes: UnsafeRawBufferPointer, _ body: (String, Range<Int>) -> Void) {
    let n = bytes.count
    var i = 0
    let text8 = normalization == .text8
    while i < n {
      let b = bytes[i]
      if text8 ? !Self.isText8WordByte(b) : Self.isSpace(b) {
        i += 1
        continue
      }
      let start = i
      var ascii = b < 0x80
      i += 1
      while i < n {
        let c = bytes[i]
        if text8 ? !Self.isText8WordByte(c) : Self.isSpace(c) { break }
        if c >= 0x80 { ascii = false }
        i += 1
      }
      let word = UnsafeRawBufferPointer(rebasing: bytes[start..<i])
      emit(word, ascii: ascii, span: start..<i, body)
    }
  }

  @inline(__always)
  private func emit(
    _ word: UnsafeRawBufferPointer, ascii: Bool, span: Range<Int>,
    _ body: (String, Range<Int>) -> Void
  ) {
    switch normalization {
    case .none:
      body(String(decoding: word, as: UTF8.self), span)
    case .lowercase:
      if ascii {
        body(Self.asciiLowercased(word), span)
      } else {
        body(String(decoding: word, as: UTF8.self).lowercased(), span)
      }
    case .text8:
      if ascii {
        body(Self.asciiLowercased(word), span)
        return
      }
      // Fold accents and case, then keep only a…z; anything else separates words.
      let folded = String(decoding: word, as: UTF8.self)
        .folding(
          options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
      var current: [UInt8] = []
      for c in folded.utf8 {
        let lower = c >= 0x41 && c <= 0x5A ? c | 0x20 : c
        if lower >= 0x61 && lower <= 0x7A {
          current.append(lower)
        } else if !current.isEmpty {
          body(String(decoding: current, as: UTF8.self), span)
          current.removeAll(keepingCapacity: true)
        }
      }
      if !current.isEmpty { body(String(decoding: current, as: UTF8.self), span) }
    }
  }

  @inline(__always)
  static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

  /// ASCII letters and every non-ASCII byte (part of a possibly foldable letter).
  @inline(__always)
  static func isText8WordByte(_ b: UInt8) -> Bool {
    let lower = b | 0x20
    return (lower >= 0x61 && lower <= 0x7A) || b >= 0x80
  }

  private static func asciiLowercased(_ word: UnsafeRawBufferPointer) -> String {
    String(unsafeUninitializedCapacity: word.count) { out in
      for (k, c) in word.enumerated() { out[k] = c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
      return word.count
    }
  }
}
