#if Server
import EmbeddingCore
import Foundation

/// A small deterministic encoder for the server tests: each whitespace-separated word maps to a
/// pseudo-random vector seeded by its FNV-1a hash; a text is the normalised mean of its words.
///
/// It records the size of every batch and can sleep per batch, so tests can see batching,
/// fill the queue and keep a request in flight during shutdown. With `overlapWait`, a call waits
/// (up to that long) until a second call is in flight, so a test of concurrent workers does not
/// depend on how busy the machine is.
final class TestEncoder: TextEncoder, @unchecked Sendable {
  let descriptor: EncoderDescriptor
  private let delay: TimeInterval
  private let overlapWait: TimeInterval
  private let lock = NSLock()
  private var _batches: [Int] = []
  private var inFlight = 0
  private var _maxInFlight = 0

  init(dimension: Int = 16, delay: TimeInterval = 0, overlapWait: TimeInterval = 0) {
    descriptor = EncoderDescriptor(
      kind: "test-hash", name: "test-encoder", dimension: dimension, fingerprint: "0",
      pooling: "mean", normalized: true)
    self.delay = delay
    self.overlapWait = overlapWait
  }

  /// The most `encode` calls that ran at the same time.
  var maxInFlight: Int {
    lock.lock()
    defer { lock.unlock() }
    return _maxInFlight
  }

  /// Sizes of the batches encoded so far.
  var batches: [Int] {
    lock.lock()
    defer { lock.unlock() }
    return _batches
  }

  func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    lock.lock()
    _batches.append(texts.count)
    inFlight += 1
    _maxInFlight = max(_maxInFlight, inFlight)
    lock.unlock()
    defer {
      lock.lock()
      inFlight -= 1
      lock.unlock()
    }
    if overlapWait > 0 {
      let deadline = Date().addingTimeInterval(overlapWait)
      while maxInFlight < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
    }
    if delay > 0 { Thread.sleep(forTimeInterval: delay) }
    let m = Matrix(rows: texts.count, columns: dimension)
    for (r, text) in texts.enumerated() {
      let row = m.rowPointer(r)
      let prefix = role == .query ? "q:" : ""
      let bytes = Array(text.utf8)
      let words = tokenSpans(of: text).map { bytes[$0] }
      for word in words {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(prefix.utf8) + word {
          hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        var generator = SeededGenerator(seed: hash)
        for c in 0..<dimension { row[c] += Float.random(in: -1...1, using: &generator) }
      }
      if words.isEmpty { row[0] = 1 }
      _ = VectorKernels.normalize(row, dimension)
    }
    return m
  }

  func tokenSpans(of text: String) -> [Range<Int>] {
    var spans: [Range<Int>] = []
    var start: Int?
    var i = 0
    for byte in text.utf8 {
      let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
      if space {
        if let s = start { spans.append(s..<i) }
        start = nil
      } else if start == nil {
        start = i
      }
      i += 1
    }
    if let s = start { spans.append(s..<i) }
    return spans
  }
}
#endif
