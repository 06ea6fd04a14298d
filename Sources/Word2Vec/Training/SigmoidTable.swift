import Foundation

/// Precomputed σ(x) and -log σ(x) on [-maxExp, maxExp], as word2vec.c does: the training loop
/// looks these up instead of calling `exp`/`log`. Outside the range σ saturates to 0 or 1.
struct SigmoidTable {
  static let size = 1024
  static let maxExp: Float = 6
  /// σ at `size` evenly spaced points of [-maxExp, maxExp).
  let sigmoid: [Float]
  /// -log σ(x) at the same points (the loss of a positive pair; a negative pair uses -x).
  let negLogSigmoid: [Float]

  init() {
    var s = [Float](repeating: 0, count: Self.size + 1)
    var l = [Float](repeating: 0, count: Self.size + 1)
    for i in 0...Self.size {
      let x = (Double(i) / Double(Self.size) * 2 - 1) * Double(Self.maxExp)
      let e = exp(x)
      s[i] = Float(e / (e + 1))
      l[i] = Float(log1p(exp(-x)))
    }
    sigmoid = s
    negLogSigmoid = l
  }

  /// Scale from x to a table index: index = (x + maxExp) · scale.
  static let scale: Float = Float(size) / (2 * maxExp)
}
