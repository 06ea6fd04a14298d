import Foundation

/// Splits row- or column-parallel kernels over the machine's cores.
///
/// Work below `minimumWork` elements runs on the calling thread (thread start-up costs more
/// than it saves, and debug-build tests stay single-threaded and simple).
enum ParallelWork {
  /// Cores to use: `EMBEDDINGKIT_THREADS` if set, else all active cores.
  static let threads: Int = {
    if let text = ProcessInfo.processInfo.environment["EMBEDDINGKIT_THREADS"], let n = Int(text) {
      return max(1, n)
    }
    return max(1, ProcessInfo.processInfo.activeProcessorCount)
  }()

  /// Calls `body(range)` for contiguous pieces of `0..<count` (pieces rounded to `granule`),
  /// concurrently when `work` is at least `minimumWork`.
  static func forEachChunk(
    _ count: Int, granule: Int = 1, work: Int, minimumWork: Int = 1 << 16,
    _ body: (Range<Int>) -> Void
  ) {
    guard count > 0 else { return }
    let pieces = work >= minimumWork ? min(threads, (count + granule - 1) / granule) : 1
    if pieces <= 1 {
      body(0..<count)
      return
    }
    let size = ((count + pieces - 1) / pieces + granule - 1) / granule * granule
    let chunks = (count + size - 1) / size
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: chunks) { k in
        let lower = k * size
        shared.value(lower..<min(count, lower + size))
      }
    }
  }
}

/// Hands a non-`Sendable` value (a kernel closure holding raw pointers) to worker threads.
///
/// Safe only because every kernel run through `ParallelWork` gives each chunk a disjoint part
/// of the output (its own columns or rows) and reads shared inputs only.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
