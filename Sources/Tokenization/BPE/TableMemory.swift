// Memory for the large lookup tables, on huge pages where the system allows it.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Allocates and frees the big read-mostly tables of the encoder (rank tables, piece caches).
///
/// The o200k rank tables take about 8.7 MB and are probed at random, once per piece: on 4 KB
/// pages most probes also miss the TLB. On Linux a table of 1 MB or more is aligned to 2 MB and
/// advised `MADV_HUGEPAGE`, so transparent huge pages (in the common `madvise` mode) map it with
/// a few TLB entries. Elsewhere, or if the advice is refused, it is ordinary memory.
enum TableMemory {
  static let hugePage = 1 << 21

  /// Uninitialized memory for `count` values of `T`; free it with `deallocate(_:)`.
  static func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
    let bytes = max(count, 1) * MemoryLayout<T>.stride
    #if os(Linux)
      if bytes >= 1 << 20 {
        let rounded = (bytes + hugePage - 1) & ~(hugePage - 1)
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, hugePage, rounded) == 0, let raw {
          _ = madvise(raw, rounded, 14)  // MADV_HUGEPAGE (a hint: failure only costs speed)
          return raw.bindMemory(to: T.self, capacity: count)
        }
      }
    #endif
    let raw = malloc(bytes)!
    return raw.bindMemory(to: T.self, capacity: count)
  }

  /// Advises huge pages for the whole 2 MB pages inside `count` values at `pointer`: a large
  /// output array is then faulted in once per 2 MB instead of once per 4 KB (a hint; Linux only).
  static func adviseHugePages<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
    #if os(Linux)
      let start = UInt(bitPattern: pointer)
      let end = start + UInt(count * MemoryLayout<T>.stride)
      let first = (start + UInt(hugePage) - 1) & ~UInt(hugePage - 1)
      let last = end & ~UInt(hugePage - 1)
      guard last > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
      _ = madvise(address, Int(last - first), 14)  // MADV_HUGEPAGE
    #endif
  }

  /// Frees memory from `allocate(_:count:)` (the values must be trivial, as every table's are).
  static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>) {
    free(UnsafeMutableRawPointer(pointer))
  }
}
