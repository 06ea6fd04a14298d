import Foundation

/// The activation applied to a linear layer's output, fused into the matrix product's store.
public enum LinearActivation: Sendable {
  /// y = x·Wᵀ + b.
  case none
  /// Exact GELU, x·Φ(x) with Φ from erf (BERT's "gelu").
  case gelu
}

/// A linear layer's weights, packed once for the matrix-product kernels.
///
/// Takes PyTorch's `nn.Linear` layout, W: [out × in] row-major, and a bias of `out` floats. The packed
/// layout is private to the kernels and may change.
///
/// ```swift
/// let layer = PackedLinear(weights: w, outFeatures: 1536, inFeatures: 384, bias: b)
/// MatrixMultiply.linear(x, rows: 32, layer, into: y, threads: 2)   // y: [32 × 1536]
/// ```
public final class PackedLinear: @unchecked Sendable {
  /// Input features (columns of x).
  public let inFeatures: Int
  /// Output features (columns of y).
  public let outFeatures: Int
  /// Wᵀ: [in × out] row-major (the Swift kernel's layout).
  let transposed: [Float]
  /// Bias: [out], zeros when the layer has none.
  let bias: [Float]

  /// Packs `weights` ([outFeatures × inFeatures] row-major) and `bias` (`outFeatures` values or nil).
  ///
  /// - Complexity: O(out × in).
  public init(
    weights: UnsafeBufferPointer<Float>, outFeatures: Int, inFeatures: Int, bias: [Float]?
  ) {
    precondition(weights.count == outFeatures * inFeatures, "weights must hold out × in floats")
    precondition(bias == nil || bias?.count == outFeatures, "bias must hold out floats")
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    var t = [Float](repeating: 0, count: outFeatures * inFeatures)
    for o in 0..<outFeatures {
      for i in 0..<inFeatures { t[i * outFeatures + o] = weights[o * inFeatures + i] }
    }
    transposed = t
    self.bias = bias ?? [Float](repeating: 0, count: outFeatures)
  }
}

/// Matrix products for the transformer encoder: linear layers and the general product attention needs.
///
/// Every function writes its whole output and is deterministic for any thread count (rows are split
/// between threads, never the reduction).
public enum MatrixMultiply {
  /// y[m × out] = act(x[m × in] · Wᵀ + b).
  ///
  /// `x` rows are `layer.inFeatures` apart, `y` rows `layer.outFeatures` apart.
  /// - Complexity: O(m × in × out).
  public static func linear(
    _ x: UnsafePointer<Float>, rows m: Int, _ layer: PackedLinear, into y: UnsafeMutablePointer<Float>,
    activation: LinearActivation = .none, threads: Int = 1
  ) {
    let k = layer.inFeatures
    let n = layer.outFeatures
    let xs = UnsafeSendable(x)
    let ys = UnsafeSendable(y)
    layer.transposed.withUnsafeBufferPointer { wt in
      layer.bias.withUnsafeBufferPointer { b in
        let w = UnsafeSendable(wt.baseAddress!)
        let bs = UnsafeSendable(b.baseAddress!)
        parallelFor(m, threads: threads) { r in
          let out = ys.value + r * n
          out.update(from: bs.value, count: n)
          let xr = xs.value + r * k
          for i in 0..<k {
            VectorKernels.axpy(xr[i], w.value + i * n, out, n)
          }
          if case .gelu = activation {
            for j in 0..<n { out[j] = gelu(out[j]) }
          }
        }
      }
    }
  }

  /// C[m × n] = alpha · A[m × k] · op(B) + beta · C, with row strides, for attention's batched products.
  ///
  /// `op(B)` is B[k × n] (`transposeB == false`) or Bᵀ where B is [n × k] (`transposeB == true`).
  /// Strides are in floats between consecutive rows. With `beta == 0`, C's old contents are ignored.
  /// - Complexity: O(m × n × k).
  public static func gemm(
    m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    for r in 0..<m {
      let cr = c + r * ldc
      let ar = a + r * lda
      if transposeB {
        for j in 0..<n {
          let d = VectorKernels.dot(ar, b + j * ldb, k)
          cr[j] = alpha * d + (beta == 0 ? 0 : beta * cr[j])
        }
      } else {
        if beta == 0 {
          cr.initialize(repeating: 0, count: n)
        } else if beta != 1 {
          VectorKernels.scale(cr, beta, n)
        }
        for i in 0..<k { VectorKernels.axpy(alpha * ar[i], b + i * ldb, cr, n) }
      }
    }
  }

  /// Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)).
  @inlinable
  public static func gelu(_ x: Float) -> Float {
    0.5 * x * (1 + Float(erf(Double(x) * 0.7071067811865476)))
  }

  /// The kernel family in use on this CPU ("swift" for the portable fallback).
  public static var backend: String { "swift" }
}
