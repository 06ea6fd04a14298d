import CEmbeddingKernels
import Foundation

/// Inner products and Hamming distances for vector search, on stored rows in float32, float16, int8
/// or bits: C kernels compiled for AVX2 + FMA (+ F16C, POPCNT) where the CPU has them, else portable
/// Swift (the same choice and `EMBEDDINGKIT_KERNELS` override as `MatrixMultiply`); the exact scan
/// over contiguous rows (`dotRows`) and the gathers by id (`dotGather`, float32 and float16: the HNSW
/// walk) also have AVX-512 kernels, their default where the CPU has it. The
/// plain float dot product of two rows is `VectorKernels.dot` (one home, same dispatch).
///
/// ```swift
/// let s = DistanceKernels.dot(q, half: row16, 384)
/// DistanceKernels.dotRows(q, rows: x.rowPointer(0), dimension: 384, count: x.rows, into: scores)
/// DistanceKernels.dotGather(q, base: x, dimension: 384, ids: ids, count: n, into: out)
/// ```
public enum DistanceKernels {
  /// Whether the C kernels are in use (false: the portable Swift loops).
  public static let accelerated = KernelBackend.current != .swift

  /// out[j] = q · base[ids[j]] for `count` ids (rows of `dimension` floats), prefetching ahead.
  ///
  /// ```
  /// q: [d]; base: [rows × d]; ids: [count]; out: [count]
  /// ```
  /// - Complexity: O(count · dimension).
  @inline(__always)
  public static func dotGather(
    _ q: UnsafePointer<Float>, base: UnsafePointer<Float>, dimension d: Int,
    ids: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    dotGather(q, base: base, dimension: d, ids: ids, count: count, into: out, backend: scanBackend)
  }

  /// `dotGather` on a given backend (the tests run every backend this CPU supports).
  @inline(__always)
  static func dotGather(
    _ q: UnsafePointer<Float>, base: UnsafePointer<Float>, dimension d: Int,
    ids: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Float>,
    backend: KernelBackend
  ) {
    switch backend {
    case .avx512: ek_dot_gather_avx512(q, base, Int64(d), ids, Int64(count), out)
    case .avx2: ek_dot_gather_avx2(q, base, Int64(d), ids, Int64(count), out)
    case .swift:
      for j in 0..<count { out[j] = VectorKernels.portableDot(q, base + Int(ids[j]) * d, d) }
    }
  }

  /// out[j] = q · base[j] for `count` contiguous rows of `dimension` floats: the exact scan, four rows
  /// per pass with the next four prefetched (`scanBackend`: AVX-512 F, AVX2 + FMA, or `portableDot`
  /// per row).
  ///
  /// ```
  /// q: [d]; base: [count × d] row-major; out: [count]
  /// ```
  /// - Complexity: O(count · dimension).
  @inline(__always)
  public static func dotRows(
    _ q: UnsafePointer<Float>, rows base: UnsafePointer<Float>, dimension d: Int, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    dotRows(q, rows: base, dimension: d, count: count, into: out, backend: scanBackend)
  }

  /// `dotRows` on a given backend (the tests run every backend this CPU supports).
  @inline(__always)
  static func dotRows(
    _ q: UnsafePointer<Float>, rows base: UnsafePointer<Float>, dimension d: Int, count: Int,
    into out: UnsafeMutablePointer<Float>, backend: KernelBackend
  ) {
    switch backend {
    case .avx512: ek_dot_rows_avx512(q, base, Int64(d), Int64(count), out)
    case .avx2: ek_dot_rows_avx2(q, base, Int64(d), Int64(count), out)
    case .swift:
      for j in 0..<count { out[j] = VectorKernels.portableDot(q, base + j * d, d) }
    }
  }

  /// The backend of `dotRows` and `dotGather`: the matrix products' (`KernelBackend.current`:
  /// AVX-512 where the CPU has it, else AVX2 + FMA, else portable Swift; `EMBEDDINGKIT_KERNELS` names
  /// another).
  static let scanBackend = KernelBackend.current

  /// out[j] = q · base[ids[j]] for `count` ids, rows stored as IEEE half floats (bit patterns).
  ///
  /// ```
  /// q: [d] float; base: [rows × d] half; ids: [count]; out: [count]
  /// ```
  /// - Complexity: O(count · dimension).
  @inline(__always)
  public static func dotGather(
    _ q: UnsafePointer<Float>, half base: UnsafePointer<UInt16>, dimension d: Int,
    ids: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    dotGather(q, half: base, dimension: d, ids: ids, count: count, into: out, backend: scanBackend)
  }

  /// The float16 `dotGather` on a given backend (the tests run every backend this CPU supports).
  @inline(__always)
  static func dotGather(
    _ q: UnsafePointer<Float>, half base: UnsafePointer<UInt16>, dimension d: Int,
    ids: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Float>,
    backend: KernelBackend
  ) {
    switch backend {
    case .avx512: ek_dot_gather_f16_avx512(q, base, Int64(d), ids, Int64(count), out)
    case .avx2: ek_dot_gather_f16_avx2(q, base, Int64(d), ids, Int64(count), out)
    case .swift:
      for j in 0..<count { out[j] = portableDot(q, half: base + Int(ids[j]) * d, d) }
    }
  }

  /// out[i] = Float16(x[i]).bitPattern for `n` floats (round to nearest even).
  /// - Complexity: O(n).
  public static func toHalf(
    _ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<UInt16>, _ n: Int
  ) {
    if accelerated {
      ek_f32_to_f16_avx2(x, out, Int64(n))
    } else {
      for i in 0..<n { out[i] = Float16(x[i]).bitPattern }
    }
  }

  /// Hints the cache to load rows `ids[0..<count]` (`rowBytes` each) of `base`.
  @inline(__always)
  public static func prefetch(
    _ base: UnsafeRawPointer, rowBytes: Int, ids: UnsafePointer<Int32>, count: Int
  ) {
    if accelerated { ek_prefetch_rows(base, Int64(rowBytes), ids, Int64(count)) }
  }

  /// Σ q[i]·x[i] with x stored as IEEE half floats (bit patterns).
  /// - Complexity: O(n).
  @inline(__always)
  public static func dot(_ q: UnsafePointer<Float>, half x: UnsafePointer<UInt16>, _ n: Int)
    -> Float
  {
    accelerated ? ek_dot_f16_avx2(q, x, Int64(n)) : portableDot(q, half: x, n)
  }

  /// The portable loop of `dot(_:half:_:)`.
  @inline(__always)
  static func portableDot(_ q: UnsafePointer<Float>, half x: UnsafePointer<UInt16>, _ n: Int)
    -> Float
  {
    var s: Float = 0
    for i in 0..<n { s += q[i] * Float(Float16(bitPattern: x[i])) }
    return s
  }

  /// Σ q[i]·x[i] with x stored as int8 codes (the caller folds scales into q).
  /// - Complexity: O(n).
  @inline(__always)
  public static func dot(_ q: UnsafePointer<Float>, int8 x: UnsafePointer<Int8>, _ n: Int) -> Float
  {
    if accelerated { return ek_dot_i8_avx2(q, x, Int64(n)) }
    var s: Float = 0
    for i in 0..<n { s += q[i] * Float(x[i]) }
    return s
  }

  /// Differing bits between two codes of `words` 64-bit words.
  /// - Complexity: O(words).
  @inline(__always)
  public static func hamming(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int)
    -> Int
  {
    if accelerated { return Int(ek_hamming_avx2(a, b, Int64(words))) }
    var s = 0
    for i in 0..<words { s += (a[i] ^ b[i]).nonzeroBitCount }
    return s
  }

  /// The first index i ≥ `start` with x[i] > t, or `count` (NaN is never above): the scan that lets a
  /// top-k skip scores that cannot enter it. The AVX2 kernel compares 32 at a time; the portable
  /// loop is scalar (a Swift `SIMD8` compare with `any` goes through the stack and ran 6× slower).
  /// - Complexity: O(count − start).
  @inline(__always)
  public static func firstIndex(
    _ x: UnsafePointer<Float>, from start: Int, count: Int, above t: Float
  ) -> Int {
    guard start < count else { return count }
    if accelerated { return start + Int(ek_first_above_avx2(x + start, Int64(count - start), t)) }
    return portableFirstIndex(x, from: start, count: count, above: t)
  }

  /// `firstIndex(_:from:count:above:)` without the C kernel (tested on every CPU).
  static func portableFirstIndex(
    _ x: UnsafePointer<Float>, from start: Int, count: Int, above t: Float
  ) -> Int {
    var i = start
    while i < count && !(x[i] > t) { i += 1 }
    return i
  }
}
