// Finding special-token strings (like "<|endoftext|>") in text.
import Foundation

/// The special tokens of an encoding and a fast search for them in bytes.
struct SpecialTokens: Sendable {
  struct Token: Sendable {
    let name: String
    let bytes: [UInt8]
    let id: Int
  }

  /// Longest first, so that at one position the longest token wins.
  let tokens: [Token]
  let byID: [Int: Token]
  /// Bytes that begin some special token (a quick filter).
  let firstBytes: [Bool]

  init(_ map: [String: Int]) {
    tokens = map.map { Token(name: $0.key, bytes: Array($0.key.utf8), id: $0.value) }
      .sorted { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
    byID = Dictionary(tokens.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var first = [Bool](repeating: false, count: 256)
    for token in tokens where !token.bytes.isEmpty { first[Int(token.bytes[0])] = true }
    firstBytes = first
  }

  var names: Set<String> { Set(tokens.map(\.name)) }

  /// The first occurrence, at or after `from`, of a token whose name is in `names`:
  /// its position and the token, or nil.
  ///
  /// - Complexity: O(n) in the bytes searched (times the few tokens sharing a first byte).
  func firstMatch(
    in bytes: UnsafeBufferPointer<UInt8>, from: Int, names: Set<String>
  ) -> (position: Int, token: Token)? {
    guard !names.isEmpty, let base = bytes.baseAddress else { return nil }
    let candidates = tokens.filter { names.contains($0.name) && !$0.bytes.isEmpty }
    guard !candidates.isEmpty else { return nil }
    var i = from
    let end = bytes.count
    while i < end {
      if firstBytes[Int(base[i])] {
        for token in candidates where token.bytes.count <= end - i && token.bytes[0] == base[i] {
          if token.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base + i, $0.count) }) == 0 {
            return (i, token)
          }
        }
      }
      i += 1
    }
    return nil
  }
}
