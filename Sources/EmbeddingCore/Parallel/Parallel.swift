import Dispatch
import Foundation

/// A heap buffer that parallel tasks write at disjoint indices.
///
/// `@unchecked Sendable` because each task of a `parallelFor` writes only its own slice;
/// nothing reads a slice while another task writes it.
///
/// ```swift
/// let squares = SharedBuffer<Int>(count: 100, value: 0)
/// parallelFor(100, threads: 4) { i in squares[i] = i * i }
/// let result = squares.array()
/// ```
public final class SharedBuffer<T>: @unchecked Sendable {
  /// Number of elements.
  public let count: Int
  /// The first element; valid for the buffer's lifetime.
  public let base: UnsafeMutablePointer<T>

  /// Allocates `count` elements, each set to `value`.
  public init(count: Int, value: T) {
    self.count = count
    base = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
    base.initialize(repeating: value, count: count)
  }

  deinit {
    base.deinitialize(count: count)
    base.deallocate()
  }

  /// Element `i` (no bounds check beyond the pointer's).
  public subscript(i: Int) -> T {
    get { base[i] }
    set { base[i] = newValue }
  }

  /// A copy of the elements.
  public func array() -> [T] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// Wraps a value (typically a pointer read by parallel tasks) to cross a `@Sendable` boundary.
///
/// Used only for data that no task writes while others read it.
///
/// ```swift
/// let input = UnsafeSendable(pointer)
/// parallelFor(n, threads: 2) { i in use(input.value[i]) }
/// ```
public struct UnsafeSendable<T>: @unchecked Sendable {
  /// The wrapped value.
  public let value: T
  /// Wraps `value`.
  public init(_ value: T) { self.value = value }
}

/// Runs `body(i)` for every `i` in `0..<count` on `threads` threads.
///
/// Worker `w` takes `w, w + threads, …`; with one thread, all run in order on the caller. Results must not depend on
/// which worker ran an index, so output is the same for any thread count.
///
/// ```swift
/// parallelFor(rows, threads: 4) { r in normalize(row: r) }
/// ```
public func parallelFor(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
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
///
/// ```swift
/// let done = AtomicCounter()
/// parallelFor(n, threads: 4) { _ in _ = done.add(1) }
/// ```
public final class AtomicCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  /// Starts at zero.
  public init() {}

  /// Adds `n` and returns the new total.
  public func add(_ n: Int) -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += n
    return value
  }
}
