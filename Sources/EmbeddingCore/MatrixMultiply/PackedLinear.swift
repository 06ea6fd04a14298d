/// A linear layer's weights, packed once for the matrix-product kernels.
///
/// Takes PyTorch's `nn.Linear` layout, W: [out × in] row-major, and a bias of `out` floats. The packed
/// layout (panels of 32 output columns, [⌈out/32⌉][in][32]) is shared by every kernel backend.
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
  /// Wᵀ in panels: [⌈out/32⌉][in][32], zero padded past `outFeatures`; 64-byte aligned, so the
  /// kernels' 32-byte loads never straddle a cache line.
  let panels: Matrix
  /// Bias: [⌈out/32⌉·32], zeros past `outFeatures` and when the layer has none.
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
    let np = (outFeatures + 31) / 32
    let p = Matrix(rows: np * inFeatures, columns: 32)
    if let src = weights.baseAddress {
      // B = Wᵀ: B[i][o] = W[o][i].
      PanelPacking.pack(
        p.baseAddress, src, k: inFeatures, n: outFeatures, columnStride: inFeatures, rowStride: 1)
    }
    panels = p
    var b = [Float](repeating: 0, count: max(1, np * 32))
    if let bias { for o in 0..<outFeatures { b[o] = bias[o] } }
    self.bias = b
  }
}

/// Packs B into the float kernels' panels.
enum PanelPacking {
  /// Uninitialised room for `count` floats of panels, 64-byte aligned (a large `malloc` block starts
  /// 16 bytes past a page, so every other 32-byte panel load would straddle two cache lines).
  static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
      .bindMemory(to: Float.self, capacity: max(1, count))
  }

  /// Frees panels from `allocate` (as raw memory: the allocation's alignment is not the type's).
  static func deallocate(_ panels: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(panels).deallocate()
  }

  /// dst: [⌈n/32⌉][k][32] ← B[k × n] where B[i][j] = src[i·rowStride + j·columnStride], zero padded.
  ///
  /// `rowStride` is the step along k, `columnStride` along n (B row-major: (ldb, 1); Bᵀ given as
  /// [n × k] row-major: (1, ldb)).
  static func pack(
    _ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, k: Int, n: Int,
    columnStride: Int, rowStride: Int
  ) {
    let np = (n + 31) / 32
    for panel in 0..<np {
      let j0 = panel * 32
      let width = min(32, n - j0)
      let out = dst + panel * k * 32
      if width < 32 { out.initialize(repeating: 0, count: k * 32) }
      if columnStride == 1 {
        for i in 0..<k {
          (out + i * 32).update(from: src + i * rowStride + j0, count: width)
        }
      } else {
        for j in 0..<width {
          let column = src + (j0 + j) * columnStride
          for i in 0..<k { out[i * 32 + j] = column[i * rowStride] }
        }
      }
    }
  }
}
