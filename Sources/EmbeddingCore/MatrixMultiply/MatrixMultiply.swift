import Foundation

/// The activation applied to a linear layer's output, fused into the matrix product's store.
public enum LinearActivation: Sendable {
  /// y = x·Wᵀ + b.
  case none
  /// Exact GELU, x·Φ(x) with Φ from erf (BERT's "gelu").
  case gelu
}

/// Matrix products for the transformer encoder: linear layers and the general product attention needs.
///
/// The innermost loops are micro-kernels chosen once per process by CPU detection: C functions compiled
/// with `target("avx2,fma")` or `target("avx512f,avx512bw,avx512vl,avx512vnni")` attributes, or portable
/// Swift `SIMD8` kernels on other CPUs (`backend` names the one in use; `EMBEDDINGKIT_KERNELS=swift|avx2|
/// avx512` forces one). Every function writes its whole output and is deterministic for any thread count
/// (rows and columns are split between threads, never the reduction).
public enum MatrixMultiply {
  /// y[m × out] = act(x[m × in] · Wᵀ + b).
  ///
  /// `x` rows are `layer.inFeatures` apart, `y` rows `layer.outFeatures` apart.
  /// - Complexity: O(m × in × out).
  public static func linear(
    _ x: UnsafePointer<Float>, rows m: Int, _ layer: PackedLinear,
    into y: UnsafeMutablePointer<Float>, activation: LinearActivation = .none, threads: Int = 1
  ) {
    linear(x, rows: m, layer, into: y, activation: activation, threads: threads, backend: .current)
  }

  /// y[m × out] = act(dequantise(quantise(x[m × in]) · Wq) + b), the int8 linear layer.
  ///
  /// Each row of x is quantised to u8 with its own scale and zero point, products accumulate exactly
  /// in int32, and the result is scaled back per row and output channel before the float bias.
  /// - Complexity: O(m × in × out).
  public static func linear(
    _ x: UnsafePointer<Float>, rows m: Int, _ layer: QuantizedLinear,
    into y: UnsafeMutablePointer<Float>, activation: LinearActivation = .none, threads: Int = 1
  ) {
    linear(x, rows: m, layer, into: y, activation: activation, threads: threads, backend: .current)
  }

  /// C[m × n] = alpha · A[m × k] · op(B) + beta · C, with row strides, for attention's batched products.
  ///
  /// `op(B)` is B[k × n] (`transposeB == false`) or Bᵀ where B is [n × k] (`transposeB == true`).
  /// Strides are in floats between consecutive rows. With `beta == 0`, C's old contents are ignored.
  /// - Complexity: O(m × n × k) plus O(n × k) to pack B.
  public static func gemm(
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    gemm(
      m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, transposeB: transposeB,
      beta: beta, c: c, ldc: ldc, backend: .current)
  }

  /// Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)).
  @inlinable
  public static func gelu(_ x: Float) -> Float {
    0.5 * x * (1 + Float(erf(Double(x) * 0.7071067811865476)))
  }

  /// The kernel family in use on this CPU: "avx512", "avx2" or "swift" (the portable fallback).
  public static var backend: String { KernelBackend.current.rawValue }

  // MARK: - Backend-explicit forms (tests run every backend the CPU supports through these)

  static func linear(
    _ x: UnsafePointer<Float>, rows m: Int, _ layer: PackedLinear,
    into y: UnsafeMutablePointer<Float>, activation: LinearActivation, threads: Int,
    backend: KernelBackend
  ) {
    layer.bias.withUnsafeBufferPointer { b in
      FloatGemm.run(
        m: m, n: layer.outFeatures, k: layer.inFeatures, a: x, lda: layer.inFeatures,
        panels: layer.panels.baseAddress, c: y, ldc: layer.outFeatures, alpha: 1,
        accumulate: false, bias: b.baseAddress!, gelu: activation == .gelu, threads: threads,
        backend: backend)
    }
  }

  static func linear(
    _ x: UnsafePointer<Float>, rows m: Int, _ layer: QuantizedLinear,
    into y: UnsafeMutablePointer<Float>, activation: LinearActivation, threads: Int,
    backend: KernelBackend
  ) {
    QuantizedGemm.run(
      x, rows: m, layer, into: y, gelu: activation == .gelu, threads: threads, backend: backend)
  }

  static func gemm(
    m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int, backend: KernelBackend
  ) {
    guard m > 0, n > 0 else { return }
    if beta != 0 && beta != 1 {
      for r in 0..<m { VectorKernels.scale(c + r * ldc, beta, n) }
    }
    let np = (n + 31) / 32
    let panels = PanelPacking.allocate(np * k * 32)
    defer { PanelPacking.deallocate(panels) }
    PanelPacking.pack(
      panels, b, k: k, n: n, columnStride: transposeB ? ldb : 1, rowStride: transposeB ? 1 : ldb)
    FloatGemm.run(
      m: m, n: n, k: k, a: a, lda: lda, panels: panels, c: c, ldc: ldc, alpha: alpha,
      accumulate: beta != 0, bias: nil, gelu: false, threads: 1, backend: backend)
  }
}
