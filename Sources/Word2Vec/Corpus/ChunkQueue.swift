import EmbeddingCore
import Foundation

/// A slice of the corpus mapped to word IDs: the unit a worker thread trains on.
final class WordChunk {
  /// Word2VecVocabulary rows of the words, out-of-vocabulary words removed.
  var ids: [Int32] = []
  /// End offset (exclusive) of each sentence in `ids`.
  var sentenceEnds: [Int32] = []

  func reset() {
    ids.removeAll(keepingCapacity: true)
    sentenceEnds.removeAll(keepingCapacity: true)
  }
}

/// A bounded FIFO of `WordChunk`s between the corpus reader thread and the workers, with a
/// free list so chunk buffers are reused (no allocation per chunk once warmed up).
///
/// `@unchecked Sendable`: every access to the mutable state goes through `condition`.
final class ChunkQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private var full: [WordChunk] = []
  private var head = 0
  private var free: [WordChunk] = []
  private var closed = false
  private var stopped = false
  private let capacity: Int
  private(set) var error: Error?

  init(capacity: Int) {
    self.capacity = capacity
  }

  /// A chunk to fill (reused if possible).
  func emptyChunk() -> WordChunk {
    condition.lock()
    defer { condition.unlock() }
    if let c = free.popLast() {
      c.reset()
      return c
    }
    return WordChunk()
  }

  /// Hands a filled chunk to the workers; blocks while the queue is full. Returns false if the
  /// consumers stopped (cancellation or error).
  @discardableResult
  func push(_ chunk: WordChunk) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while full.count - head >= capacity && !stopped { condition.wait() }
    if stopped { return false }
    full.append(chunk)
    condition.broadcast()
    return true
  }

  /// The next chunk, or nil once the reader has closed the queue and it is drained.
  func pop() -> WordChunk? {
    condition.lock()
    defer { condition.unlock() }
    while head == full.count && !closed && !stopped { condition.wait() }
    if stopped || head == full.count { return nil }
    let c = full[head]
    head += 1
    if head > 64 && head * 2 > full.count {
      full.removeFirst(head)
      head = 0
    }
    condition.broadcast()
    return c
  }

  /// Returns a trained chunk's buffers for reuse.
  func recycle(_ chunk: WordChunk) {
    condition.lock()
    free.append(chunk)
    condition.unlock()
  }

  /// The reader is done (with `error` if it failed).
  func close(error: Error? = nil) {
    condition.lock()
    closed = true
    if let error { self.error = error; stopped = true }
    condition.broadcast()
    condition.unlock()
  }

  /// Stops producers and consumers (cancellation).
  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
  }

  var isStopped: Bool {
    condition.lock()
    defer { condition.unlock() }
    return stopped
  }
}
