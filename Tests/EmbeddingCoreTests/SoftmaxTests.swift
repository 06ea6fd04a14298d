import Foundation
import Testing

@testable import EmbeddingCore

/// The vectorised exp and row softmax of attention, on every backend the CPU runs, against
/// Foundation's `exp` and a Double softmax.
@Suite struct SoftmaxTests {
  /// Relative error of exp below 4e-7 (about 3 ulp) over the range softmax feeds it, 0 below
  /// the float range; Foundation's exp is the reference.
  @Test(arguments: KernelBackend.supported)
  func expMatchesFoundation(backend: KernelBackend) {
    var xs: [Float] = stride(from: -87.0, through: 88.0, by: 0.0137).map { Float($0) }
    xs += [0, -0.0, 1e-8, -1e-8, 0.5 * Float(M_LN2), -0.5 * Float(M_LN2), 88.3, -87.3]
    var ys = xs
    ys.withUnsafeMutableBufferPointer { Softmax.exp($0.baseAddress!, $0.count, backend: backend) }
    var worst = 0.0
    for (x, y) in zip(xs, ys) {
      let exact = Foundation.exp(Double(x))
      worst = max(worst, abs(Double(y) - exact) / exact)
    }
    #expect(worst < 4e-7, "\(backend): exp max relative error \(worst)")
    var under: [Float] = [-90, -100, -1e30, -.infinity, -87.34]
    under.withUnsafeMutableBufferPointer {
      Softmax.exp($0.baseAddress!, $0.count, backend: backend)
    }
    #expect(under.allSatisfy { $0 >= 0 && $0 < 1e-37 }, "\(backend): \(under)")
  }

  /// Rows of every width from 1 to 70 (SIMD tails), strided, with large and −∞ scores.
  @Test(arguments: KernelBackend.supported)
  func rowsMatchDoubleSoftmax(backend: KernelBackend) {
    var rng = SeededGenerator(seed: 9)
    for width in 1...70 {
      let rows = 3
      let stride = width + 5
      var x = (0..<(rows * stride)).map { _ in (rng.nextFloat() * 2 - 1) * 30 }
      x[0] = 1e4  // a dominant score: its row is about one-hot, nothing overflows
      if width > 2 { x[stride + 1] = -.infinity }  // a masked score gets weight 0
      let original = x
      x.withUnsafeMutableBufferPointer {
        Softmax.rows($0.baseAddress!, rows: rows, width: width, stride: stride, backend: backend)
      }
      for r in 0..<rows {
        let row = original[(r * stride)..<(r * stride + width)].map(Double.init)
        let top = row.max() ?? 0
        let total = row.reduce(0) { $0 + Foundation.exp($1 - top) }
        for j in 0..<width {
          let expected = Foundation.exp(row[j] - top) / total
          let got = Double(x[r * stride + j])
          #expect(
            abs(got - expected) <= 1e-6 * expected + 1e-12,
            "\(backend) width \(width) row \(r) col \(j): \(got) vs \(expected)")
        }
        for j in width..<stride {
          #expect(x[r * stride + j] == original[r * stride + j], "padding column \(j) written")
        }
      }
    }
  }
}
