#if Server
import EmbeddingCore
import Foundation

/// What the server is serving: nothing while the model loads, then the embeddings service, or the
/// reason loading failed. Read by every request, written once.
final class ServerState: @unchecked Sendable {
  /// The loading phase.
  enum Phase: Sendable {
    case loading
    case ready(EmbeddingsService, search: (any SearchBackend)?)
    case failed(String)
  }

  private let lock = NSLock()
  private var _phase = Phase.loading

  /// The current phase.
  var phase: Phase {
    lock.lock()
    defer { lock.unlock() }
    return _phase
  }

  /// Moves to `phase`.
  func set(_ phase: Phase) {
    lock.lock()
    _phase = phase
    lock.unlock()
  }
}

/// Compares a request's `Authorization` header with the expected one in time independent of where
/// they differ (the length of the expected value aside).
enum APIKeyCheck {
  /// True when `header` is exactly `Bearer <key>`.
  static func matches(header: String?, key: String) -> Bool {
    let expected = Array("Bearer \(key)".utf8)
    let given = Array((header ?? "").utf8)
    var difference = UInt8(given.count == expected.count ? 0 : 1)
    for i in 0..<expected.count {
      let g = i < given.count ? given[i] : 0
      difference |= g ^ expected[i]
    }
    return difference == 0
  }
}
#endif
