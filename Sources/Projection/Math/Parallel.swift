import Dispatch
import Foundation

/// A heap buffer that parallel tasks write at disjoint indices.
///
/// `@unchecked Sendable` because each task of a `parallelFor` writes only its own slice;
/// nothing reads a slice while another task writes it.
final class SharedBuffer<T>: @unchecked Sendable {
  let count: Int
  let base: UnsafeMutablePointer<T>

  init(count: Int, value: T) {
    self.count = count
    base = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
    base.initialize(repeating: value, count: count)
  }

  deinit {
    base.deinitialize(count: count)
    base.deallocate()
  }

  subscript(i: Int) -> T {
    get { base[i] }
    set { base[i] = newValue }
  }

  func array() -> [T] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// Wraps a value (typically a pointer read by parallel tasks) to cross a `@Sendable` boundary.
///
/// Used only for data that no task writes while others read it.
struct UnsafeSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// Runs `body(i)` for every `i` in `0..<count` on `threads` threads.
///
/// Worker `w` takes `w, w + threads, …`; with one thread, all run in order on the caller. Results must not depend on
/// which worker ran an index, so output is the same for any thread count.
func parallelFor(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
  let workers = min(max(1, threads), count)
  if workers <= 1 {
    for i in 0..<count { body(i) }
  } else {
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      var i = w
      while i < count {
        body(i)
        i += workers
      }
    }
  }
}

/// A lock-protected running total that parallel tasks add to (for progress reports).
final class AtomicCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  /// Adds `n` and returns the new total.
  func add(_ n: Int) -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += n
    return value
  }
}
