/// A linear layer's weights quantised to int8, symmetric per output channel, for the int8 encoder mode.
///
/// Each output channel j keeps a scale s_j = max|W[j, ·]| / 127 and int8 values q = round(W / s_j) in
/// [-127, 127]. `MatrixMultiply.linear(_:rows:_:into:activation:threads:)` quantises activations per row
/// (asymmetric u8 with a zero point), accumulates in int32 exactly, then dequantises and adds the float bias.
///
/// ```swift
/// let layer = QuantizedLinear(weights: w, outFeatures: 1536, inFeatures: 384, bias: b)
/// MatrixMultiply.linear(x, rows: 32, layer, into: y, activation: .gelu, threads: 2)
/// ```
public final class QuantizedLinear: @unchecked Sendable {
  /// Input features (columns of x).
  public let inFeatures: Int
  /// Output features (columns of y).
  public let outFeatures: Int
  /// `inFeatures` rounded up to a multiple of 4 (the kernels read k four at a time).
  let paddedIn: Int
  /// Panels of 32 output channels: [⌈out/32⌉][paddedIn/4][32][4] int8, zero padded.
  let panels: [Int8]
  /// Per-channel scales, [⌈out/32⌉·32] (zeros past `outFeatures`).
  let scales: [Float]
  /// Per-channel sums of the int8 weights, [⌈out/32⌉·32], for the zero-point correction.
  let columnSums: [Int32]
  /// Bias, [⌈out/32⌉·32] (zeros past `outFeatures`, zeros when the layer has none).
  let bias: [Float]

  /// Quantises `weights` ([outFeatures × inFeatures] row-major) and keeps `bias` (`outFeatures` or nil).
  ///
  /// - Complexity: O(out × in).
  public init(
    weights: UnsafeBufferPointer<Float>, outFeatures: Int, inFeatures: Int, bias: [Float]?
  ) {
    precondition(weights.count == outFeatures * inFeatures, "weights must hold out × in floats")
    precondition(bias == nil || bias?.count == outFeatures, "bias must hold out floats")
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    let kp = (inFeatures + 3) / 4 * 4
    paddedIn = kp
    let np = (outFeatures + 31) / 32
    var packed = [Int8](repeating: 0, count: np * kp * 32)
    var scales = [Float](repeating: 0, count: np * 32)
    var sums = [Int32](repeating: 0, count: np * 32)
    for o in 0..<outFeatures {
      let row = weights.baseAddress! + o * inFeatures
      var peak: Float = 0
      for i in 0..<inFeatures { peak = max(peak, abs(row[i])) }
      let scale = peak / 127
      scales[o] = scale
      let inverse: Float = scale > 0 ? 1 / scale : 0
      let panel = (o / 32) * kp * 32
      let column = o % 32
      var sum: Int32 = 0
      for i in 0..<inFeatures {
        let q = Int8(max(-127, min(127, (row[i] * inverse).rounded(.toNearestOrEven))))
        sum += Int32(q)
        // [k/4][32][4]: quad i/4, column, lane i%4.
        packed[panel + (i / 4) * 128 + column * 4 + i % 4] = q
      }
      sums[o] = sum
    }
    panels = packed
    self.scales = scales
    columnSums = sums
    var b = [Float](repeating: 0, count: np * 32)
    if let bias { for o in 0..<outFeatures { b[o] = bias[o] } }
    self.bias = b
  }

  /// The dequantised weights, [out × in] row-major (what the int8 layer multiplies by).
  public func dequantizedWeights() -> [Float] {
    var w = [Float](repeating: 0, count: outFeatures * inFeatures)
    for o in 0..<outFeatures {
      let panel = (o / 32) * paddedIn * 32
      for i in 0..<inFeatures {
        let q = panels[panel + (i / 4) * 128 + (o % 32) * 4 + i % 4]
        w[o * inFeatures + i] = Float(q) * scales[o]
      }
    }
    return w
  }
}
