import EmbeddingCore
import Foundation

/// A piece of a document: its text and where it sits in the document's body.
public struct Chunk: Sendable, Equatable {
  /// Position among the document's chunks.
  public var index: Int
  /// UTF-8 byte range in the document's body.
  public var bytes: Range<Int>
  /// The chunk's text.
  public var text: String
}

/// Cuts a text into windows of at most N encoder tokens, overlapping, ending at sentences where it can.
///
/// The token spans come from the encoder (`TextEncoder.tokenSpans(of:)`), so a chunk never exceeds
/// the encoder's input. A window ends at the last sentence end (`.`, `!`, `?` or a blank line after
/// a token) in its second half, else at the token limit; the next window starts `overlap` tokens
/// earlier (never before the previous start + 1).
///
/// ```swift
/// let chunks = Chunker(options: .init(tokens: 128, overlap: 16)).chunks(of: body, spans: spans)
/// ```
public struct Chunker: Sendable {
  /// The options.
  public var options: ChunkingOptions

  /// Creates a chunker.
  public init(options: ChunkingOptions) { self.options = options }

  /// The chunks of `text` given its token `spans` (UTF-8 byte ranges, in order).
  /// - Complexity: O(tokens + bytes).
  public func chunks(of text: String, spans: [Range<Int>]) -> [Chunk] {
    let utf8 = Array(text.utf8)
    guard !spans.isEmpty else {
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      return trimmed.isEmpty ? [] : [Chunk(index: 0, bytes: 0..<utf8.count, text: text)]
    }
    let size = max(1, options.tokens)
    var result: [Chunk] = []
    var start = 0
    while start < spans.count {
      var end = min(spans.count, start + size)  // exclusive token index
      if end < spans.count {
        var cut = end
        while cut > start + size / 2 {
          if endsSentence(after: cut - 1, spans: spans, utf8: utf8) { break }
          cut -= 1
        }
        if cut > start + size / 2 { end = cut }
      }
      let lo = spans[start].lowerBound
      let hi = min(utf8.count, spans[end - 1].upperBound)
      let piece = String(decoding: utf8[lo..<hi], as: UTF8.self)
      result.append(Chunk(index: result.count, bytes: lo..<hi, text: piece))
      if end >= spans.count { break }
      start = max(start + 1, end - options.overlap)
    }
    return result
  }

  /// Whether a sentence ends with token `i`: the token is `.`, `!` or `?` (or ends with one), or a
  /// blank line follows it.
  private func endsSentence(after i: Int, spans: [Range<Int>], utf8: [UInt8]) -> Bool {
    let span = spans[i]
    guard span.upperBound > span.lowerBound, span.upperBound <= utf8.count else { return false }
    let last = utf8[span.upperBound - 1]
    if last == UInt8(ascii: "."), span.count <= 2 { return true }
    if last == UInt8(ascii: "!") || last == UInt8(ascii: "?") { return true }
    let nextStart = i + 1 < spans.count ? spans[i + 1].lowerBound : utf8.count
    var newlines = 0
    var j = span.upperBound
    while j < nextStart && j < utf8.count {
      if utf8[j] == UInt8(ascii: "\n") { newlines += 1 }
      j += 1
    }
    return newlines >= 2
  }
}
