import Atomics
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

/// The one thread-count policy of EmbeddingKit.
///
/// Every parallel kernel and every `threads:` default uses `Parallelism.defaultThreads`: the
/// value of the environment variable `EMBEDDINGKIT_THREADS` (a positive integer) if set,
/// otherwise the number of active processor cores.
///
/// ```sh
/// EMBEDDINGKIT_THREADS=1 embed plot vectors.bin -o plot.svg   # single-threaded, reproducible
/// ```
public enum Parallelism {
  /// `EMBEDDINGKIT_THREADS` if it is a positive integer, else the active processor count.
  public static let defaultThreads: Int = threads(
    environment: ProcessInfo.processInfo.environment["EMBEDDINGKIT_THREADS"])

  /// The policy as a function of the variable's value (for tests).
  static func threads(environment value: String?) -> Int {
    if let value, let n = Int(value.trimmingCharacters(in: .whitespaces)), n >= 1 {
      return min(n, 1024)
    }
    return max(1, ProcessInfo.processInfo.activeProcessorCount)
  }

  /// How many pieces to split `work` elements into: 1 below `minimumWork` (starting threads
  /// costs more than it saves on small inputs), else `threads`.
  public static func pieces(work: Int, minimumWork: Int = 1 << 16, threads: Int = defaultThreads)
    -> Int
  {
    work >= minimumWork ? max(1, threads) : 1
  }
}

/// Runs `body(i)` for every `i` in `0..<count` on `threads` threads.
///
/// Worker `w` takes `w, w + threads, …`; with one thread, all run in order on the caller. Results must not depend on
/// which worker ran an index, so output is the same for any thread count.
///
/// ```swift
/// parallelFor(rows, threads: 4) { r in normalize(row: r) }
/// ```
public func parallelFor(
  _ count: Int, threads: Int = Parallelism.defaultThreads, _ body: @Sendable (Int) -> Void
) {
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

/// Splits `0..<count` into at most `pieces` contiguous ranges and runs `body(piece, range)`
/// for each, concurrently (one piece runs on the caller).
///
/// With `granule` 1 the ranges are an even split (`count·p/pieces ..< count·(p+1)/pieces`) and
/// every piece runs, even an empty one; with a larger `granule` every range but the last is a
/// multiple of it (SIMD-width column blocks) and empty pieces are skipped. `body` need not be
/// `@Sendable`: like `DispatchQueue.concurrentPerform`, it must only write output that no other
/// piece touches (its own rows, columns or `ParallelSlots` slot) and read shared inputs.
///
/// ```swift
/// parallelChunks(rows, pieces: Parallelism.pieces(work: rows * columns)) { _, range in
///   for r in range { normalize(row: r) }
/// }
/// ```
public func parallelChunks(
  _ count: Int, pieces: Int, granule: Int = 1, _ body: (_ piece: Int, _ range: Range<Int>) -> Void
) {
  let requested = max(1, pieces)
  if granule <= 1 {
    runPieces(requested) { p in body(p, (count * p / requested)..<(count * (p + 1) / requested)) }
    return
  }
  guard count > 0 else { return }
  let n = min(requested, (count + granule - 1) / granule)
  let size = ((count + n - 1) / n + granule - 1) / granule * granule
  let chunks = (count + size - 1) / size
  runPieces(chunks) { k in body(k, (k * size)..<min(count, (k + 1) * size)) }
}

/// Runs `body(0..<n)` on Dispatch's pool (on the caller when `n` is 1).
private func runPieces(_ n: Int, _ body: (Int) -> Void) {
  if n <= 1 {
    if n == 1 { body(0) }
    return
  }
  withoutActuallyEscaping(body) { body in
    let shared = UnsafeSendable(body)
    DispatchQueue.concurrentPerform(iterations: n) { shared.value($0) }
  }
}

/// A running total that parallel tasks add to (progress counts, work-item tickets).
///
/// A swift-atomics `ManagedAtomic<Int>`: `add` is one atomic read-modify-write, no lock.
///
/// ```swift
/// let done = AtomicCounter()
/// parallelFor(n, threads: 4) { _ in _ = done.add(1) }
/// ```
public final class AtomicCounter: Sendable {
  private let value = ManagedAtomic<Int>(0)

  /// Starts at zero.
  public init() {}

  /// Adds `n` and returns the new total.
  public func add(_ n: Int) -> Int {
    value.wrappingIncrementThenLoad(by: n, ordering: .relaxed)
  }
}
