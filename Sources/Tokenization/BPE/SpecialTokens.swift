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

  /// Every special token's text.
  var names: Set<String> { Set(tokens.map(\.name)) }

  /// The tokens to recognise and the tokens that are an error, like tiktoken: `.all` allowed means
  /// every token; `.all` disallowed means every token not allowed.
  ///
  /// The common cases allocate nothing.
  func resolve(allowed: SpecialTokenSet, disallowed: SpecialTokenSet) -> (
    allowed: [Token], disallowed: [Token]
  ) {
    if allowed == .all { return (tokens, disallowed == .all ? [] : pick(disallowed)) }
    if allowed == .none { return ([], disallowed == .all ? tokens : pick(disallowed)) }
    let allowedTokens = pick(allowed)
    if disallowed == .all {
      let allowedNames = Set(allowedTokens.map(\.name))
      return (allowedTokens, tokens.filter { !allowedNames.contains($0.name) })
    }
    return (allowedTokens, pick(disallowed))
  }

  private func pick(_ set: SpecialTokenSet) -> [Token] {
    switch set {
    case .all: return tokens
    case .some(let names): return tokens.filter { names.contains($0.name) }
    }
  }

  /// The first occurrence, at or after `from`, of one of `candidates` (longest first at a
  /// position): its position and the token, or nil.
  ///
  /// - Complexity: O(n) in the bytes searched (times the few tokens sharing a first byte).
  func firstMatch(
    in bytes: UnsafeBufferPointer<UInt8>, from: Int, candidates: [Token]
  ) -> (position: Int, token: Token)? {
    guard !candidates.isEmpty, let base = bytes.baseAddress else { return nil }
    var i = from
    let end = bytes.count
    while i < end {
      if firstBytes[Int(base[i])] {
        for token in candidates where token.bytes.count <= end - i && token.bytes[0] == base[i] {
          let equal = token.bytes.withUnsafeBufferPointer { tokenBytes in
            memcmp(tokenBytes.baseAddress!, base + i, tokenBytes.count) == 0
          }
          if equal { return (i, token) }
        }
      }
      i += 1
    }
    return nil
  }
}
