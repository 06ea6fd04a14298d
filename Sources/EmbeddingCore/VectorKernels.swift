import CEmbeddingKernels

/// Small SIMD kernels over `Float` rows: dot, axpy, scale, norm, normalise.
///
/// The dot product is the one home of the float inner product: the AVX2 + FMA C kernel
/// (`ek_dot_avx2`) where the CPU has it, else the portable `SIMD8` loop (`portableDot`); the same
/// choice and `EMBEDDINGKIT_KERNELS=swift` override as `MatrixMultiply`. The Swift loops are plain
/// `SIMD8<Float>` arithmetic (`acc += x * y`), which vectorises at the default x86-64 target;
/// `addProduct`/`.fma` would compile to a libm call per lane there. All functions take raw
/// pointers and a count so hot loops avoid array bounds checks.
public enum VectorKernels {
  /// Σ x[i]·y[i]: the AVX2 + FMA C kernel when `DistanceKernels.accelerated`, else `portableDot`.
  ///
  /// ```
  /// x: [n]; y: [n] → scalar
  /// ```
  /// - Complexity: O(n).
  @inline(__always)
  public static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
    DistanceKernels.accelerated ? ek_dot_avx2(x, y, Int64(n)) : portableDot(x, y, n)
  }

  /// Σ x[i]·y[i] in portable `SIMD8` Swift (the fallback of `dot` on CPUs without AVX2 + FMA).
  ///
  /// - Complexity: O(n).
  @inlinable
  public static func portableDot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int)
    -> Float
  {
    var i = 0
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    let rx = UnsafeRawPointer(x)
    let ry = UnsafeRawPointer(y)
    while i + 16 <= n {
      a0 +=
        rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        * ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      a1 +=
        rx.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
        * ry.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
      i += 16
    }
    if i + 8 <= n {
      a0 +=
        rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        * ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      i += 8
    }
    var s = (a0 + a1).sum()
    while i < n {
      s += x[i] * y[i]
      i += 1
    }
    return s
  }

  /// y[i] += a·x[i].
  ///
  /// - Complexity: O(n).
  @inlinable
  public static func axpy(
    _ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    var i = 0
    let va = SIMD8<Float>(repeating: a)
    let rx = UnsafeRawPointer(x)
    let ry = UnsafeMutableRawPointer(y)
    while i + 8 <= n {
      let yv = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      ry.storeBytes(of: yv + va * xv, toByteOffset: i * 4, as: SIMD8<Float>.self)
      i += 8
    }
    while i < n {
      y[i] += a * x[i]
      i += 1
    }
  }

  /// o[i] = x[i] + y[i]; `o` may be `x` or `y` (in-place accumulation, `y += x`).
  ///
  /// Shapes: x, y, o are n floats. Two SIMD8 chains per step, any alignment.
  /// - Complexity: O(n).
  @inlinable
  public static func add(
    _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, into o: UnsafeMutablePointer<Float>,
    _ n: Int
  ) {
    let rx = UnsafeRawPointer(x)
    let ry = UnsafeRawPointer(y)
    let ro = UnsafeMutableRawPointer(o)
    var i = 0
    while i + 16 <= n {
      let a0 = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      let a1 = rx.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
      let b0 = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      let b1 = ry.loadUnaligned(fromByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
      ro.storeBytes(of: a0 + b0, toByteOffset: i * 4, as: SIMD8<Float>.self)
      ro.storeBytes(of: a1 + b1, toByteOffset: (i + 8) * 4, as: SIMD8<Float>.self)
      i += 16
    }
    while i + 8 <= n {
      let a = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      let b = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      ro.storeBytes(of: a + b, toByteOffset: i * 4, as: SIMD8<Float>.self)
      i += 8
    }
    while i < n {
      o[i] = x[i] + y[i]
      i += 1
    }
  }

  /// x[i] *= a.
  ///
  /// - Complexity: O(n).
  @inlinable
  public static func scale(_ x: UnsafeMutablePointer<Float>, _ a: Float, _ n: Int) {
    for i in 0..<n { x[i] *= a }
  }

  /// Euclidean norm √(Σ x[i]²).
  ///
  /// - Complexity: O(n).
  @inline(__always)
  public static func norm(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    dot(x, x, n).squareRoot()
  }

  /// Scales `x` to unit length and returns its original norm (a zero vector is left as it is).
  ///
  /// - Complexity: O(n).
  @inline(__always) @discardableResult
  public static func normalize(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
    let length = norm(x, n)
    if length > 0 { scale(x, 1 / length, n) }
    return length
  }
}
