import Foundation

/// Fixed result slots that parallel workers fill, one slot per work item.
///
/// Workers write disjoint slots from `DispatchQueue.concurrentPerform`; the owner reads
/// them after it returns. A lock guards the storage, so slots may be read and written from
/// any thread.
///
/// ```swift
/// let slots = ParallelSlots(count: 4, initial: 0)
/// DispatchQueue.concurrentPerform(iterations: 4) { i in slots[i] = i * i }
/// slots.values  // [0, 1, 4, 9]
/// ```
///
/// - Complexity: O(1) per access (one uncontended lock).
public final class ParallelSlots<Value>: @unchecked Sendable {
  private var slots: [Value]
  private let lock = NSLock()

  /// Creates `count` slots holding `initial`.
  public init(count: Int, initial: Value) {
    slots = Array(repeating: initial, count: count)
  }

  /// The value in slot `index`.
  public subscript(index: Int) -> Value {
    get {
      lock.lock()
      defer { lock.unlock() }
      return slots[index]
    }
    set {
      lock.lock()
      slots[index] = newValue
      lock.unlock()
    }
  }

  /// All slots in order.
  public var values: [Value] {
    lock.lock()
    defer { lock.unlock() }
    return slots
  }
}
