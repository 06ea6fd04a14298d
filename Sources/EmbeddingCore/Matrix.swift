import Foundation

/// A dense row-major matrix of `Float`, owned in memory or memory-mapped from a file.
///
/// `Matrix` is a reference type: copies share storage, which is what the trainers want
/// (several threads update one weight matrix). Row `r` starts at `baseAddress + r * columns`.
///
/// ```swift
/// let m = Matrix(rows: 2, columns: 3)
/// m[1, 2] = 5
/// m.row(1)  // [0, 0, 5]
/// ```
///
/// - Complexity: allocation is O(rows × columns) (zero-filled); element access is O(1).
public final class Matrix: @unchecked Sendable {
  /// Number of rows.
  public let rows: Int
  /// Number of columns (the vector dimension).
  public let columns: Int
  /// Pointer to the first element; `rows * columns` floats follow.
  public let baseAddress: UnsafeMutablePointer<Float>
  private let owner: Storage

  enum Storage {
    /// Allocated by `init(rows:columns:)`, freed on deinit.
    case owned
    /// Memory owned by another object (a memory-mapped file), kept alive.
    case borrowed(AnyObject)
  }

  /// Allocates a zero-filled matrix.
  public init(rows: Int, columns: Int) {
    precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
    self.rows = rows
    self.columns = columns
    let count = max(rows * columns, 1)
    // 64-byte alignment keeps SIMD rows on cache-line boundaries.
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
    baseAddress = raw.bindMemory(to: Float.self, capacity: count)
    baseAddress.initialize(repeating: 0, count: count)
    owner = .owned
  }

  /// Creates a matrix from an array of rows × columns values, row-major.
  public convenience init(rows: Int, columns: Int, values: [Float]) {
    precondition(values.count == rows * columns, "values.count must be rows × columns")
    self.init(rows: rows, columns: columns)
    values.withUnsafeBufferPointer { src in
      if let base = src.baseAddress { baseAddress.update(from: base, count: values.count) }
    }
  }

  /// Wraps memory owned elsewhere, such as a memory-mapped file.
  ///
  /// `keepAlive` is retained for the matrix's lifetime.
  public init(
    borrowing pointer: UnsafeMutablePointer<Float>, rows: Int, columns: Int, keepAlive: AnyObject
  ) {
    self.rows = rows
    self.columns = columns
    baseAddress = pointer
    owner = .borrowed(keepAlive)
  }

  deinit {
    if case .owned = owner { UnsafeMutableRawPointer(baseAddress).deallocate() }
  }

  /// Total number of elements.
  public var count: Int { rows * columns }

  /// Element access.
  @inlinable public subscript(row: Int, column: Int) -> Float {
    get { baseAddress[row * columns + column] }
    set { baseAddress[row * columns + column] = newValue }
  }

  /// Pointer to the first element of row `r`.
  @inlinable public func rowPointer(_ r: Int) -> UnsafeMutablePointer<Float> {
    baseAddress + r * columns
  }

  /// A copy of row `r` as an array.
  public func row(_ r: Int) -> [Float] {
    Array(UnsafeBufferPointer(start: rowPointer(r), count: columns))
  }

  /// All elements, row-major, as a buffer (no copy).
  public var buffer: UnsafeMutableBufferPointer<Float> {
    UnsafeMutableBufferPointer(start: baseAddress, count: count)
  }

  /// A deep copy with its own storage.
  public func copy() -> Matrix {
    let m = Matrix(rows: rows, columns: columns)
    m.baseAddress.update(from: baseAddress, count: count)
    return m
  }

  /// Bytes needed for a matrix of this shape (for memory estimates before allocating).
  public static func byteCount(rows: Int, columns: Int) -> Int {
    rows * columns * MemoryLayout<Float>.stride
  }
}
