import Foundation
import Testing

@testable import EmbeddingCore

/// Random floats in [-1, 1).
private func randoms(_ count: Int, seed: UInt64) -> [Float] {
  var rng = SeededGenerator(seed: seed)
  return (0..<count).map { _ in rng.nextFloat() * 2 - 1 }
}

/// An m × n output filled by `body` (NaN where it writes nothing).
private func run(m: Int, n: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
  var y = [Float](repeating: .nan, count: m * n)
  y.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
  return y
}

/// Every value within 2e-6 of the reference, relative to the size of its terms.
private func expectClose(_ y: [Float], _ ref: (values: [Double], scale: [Double]), _ label: String)
{
  let worst =
    y.indices.map { abs(Double(y[$0]) - ref.values[$0]) / (ref.scale[$0] + 1) }.max() ?? 0
  #expect(worst < 2e-6, "\(label): error \(worst)")
}

/// y = act(x·Wᵀ + b) in Double, and Σ|x||w| + |b| per element (the scale of its rounding error).
private func referenceLinear(
  _ x: [Float], m: Int, _ w: [Float], n: Int, k: Int, _ bias: [Float], gelu: Bool
) -> (values: [Double], scale: [Double]) {
  var out = [Double](repeating: 0, count: m * n)
  var scale = [Double](repeating: 0, count: m * n)
  for r in 0..<m {
    for j in 0..<n {
      var s = Double(bias[j])
      var a = abs(Double(bias[j]))
      for i in 0..<k {
        s += Double(x[r * k + i]) * Double(w[j * k + i])
        a += abs(Double(x[r * k + i]) * Double(w[j * k + i]))
      }
      out[r * n + j] = gelu ? 0.5 * s * (1 + erf(s / 2.0.squareRoot())) : s
      scale[r * n + j] = a
    }
  }
  return (out, scale)
}

@Suite struct MatrixMultiplyTests {
  static let shapes: [(m: Int, k: Int, n: Int)] = [
    (1, 1, 1), (1, 384, 40), (2, 7, 33), (5, 37, 70), (13, 64, 32), (97, 300, 65), (4, 513, 129),
  ]

  /// The float linear layer on one backend matches the Double reference on odd shapes.
  func checkLinear(_ backend: KernelBackend) {
    for (index, shape) in Self.shapes.enumerated() {
      let (m, k, n) = shape
      let x = randoms(m * k, seed: UInt64(10 + index))
      let w = randoms(n * k, seed: UInt64(20 + index))
      let bias = randoms(n, seed: UInt64(30 + index))
      let layer = w.withUnsafeBufferPointer {
        PackedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: bias)
      }
      for gelu in [false, true] {
        let ref = referenceLinear(x, m: m, w, n: n, k: k, bias, gelu: gelu)
        let y = run(m: m, n: n) { out in
          MatrixMultiply.linear(
            x, rows: m, layer, into: out, activation: gelu ? .gelu : .none, threads: 2,
            backend: backend)
        }
        expectClose(y, ref, "\(backend) m=\(m) k=\(k) n=\(n) gelu=\(gelu)")
      }
    }
  }

  /// The strided product with both layouts of B, alpha and beta, on one backend.
  func checkGemm(_ backend: KernelBackend) {
    for (index, shape) in [(1, 1, 1), (10, 32, 10), (37, 32, 45), (64, 70, 64), (3, 300, 5)]
      .enumerated()
    {
      let (m, k, n) = shape
      let (lda, ldbT, ldbN, ldc) = (k + 3, k + 5, n + 7, n + 2)
      let a = randoms(m * lda, seed: UInt64(40 + index))
      let b = randoms(max(n * ldbT, k * ldbN), seed: UInt64(50 + index))
      let c0 = randoms(m * ldc, seed: UInt64(60 + index))
      for transposeB in [false, true] {
        for beta: Float in [0, 1, 0.5] {
          var c = c0
          let ldb = transposeB ? ldbT : ldbN
          c.withUnsafeMutableBufferPointer { cp in
            MatrixMultiply.gemm(
              m: m, n: n, k: k, alpha: 0.125, a: a, lda: lda, b: b, ldb: ldb,
              transposeB: transposeB, beta: beta, c: cp.baseAddress!, ldc: ldc, backend: backend)
          }
          var worst = 0.0
          for r in 0..<m {
            for j in 0..<n {
              var s = 0.0
              var scale = 0.0
              for i in 0..<k {
                let bv = Double(transposeB ? b[j * ldb + i] : b[i * ldb + j])
                s += Double(a[r * lda + i]) * bv
                scale += abs(Double(a[r * lda + i]) * bv)
              }
              let old = Double(c0[r * ldc + j])
              let expected = 0.125 * s + (beta == 0 ? 0 : Double(beta) * old)
              worst = max(worst, abs(Double(c[r * ldc + j]) - expected) / (scale + abs(old) + 1))
            }
            // Padding between rows is never written.
            for j in n..<ldc { #expect(c[r * ldc + j] == c0[r * ldc + j]) }
          }
          #expect(worst < 2e-6, "\(backend) gemm \(shape) transposeB=\(transposeB) beta=\(beta)")
        }
      }
    }
  }

  /// The int8 layer equals the float product of its dequantised operands (only float rounding apart).
  func checkQuantized(_ backend: KernelBackend) {
    for (index, shape) in Self.shapes.enumerated() {
      let (m, k, n) = shape
      var x = randoms(m * k, seed: UInt64(70 + index))
      if index % 2 == 1 { x = x.map { max($0, -0.1) * 3 } }  // skewed rows (zero point ≠ 128)
      let w = randoms(n * k, seed: UInt64(80 + index))
      let bias = randoms(n, seed: UInt64(90 + index))
      let layer = w.withUnsafeBufferPointer {
        QuantizedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: bias)
      }
      // The activations the kernel sees: scale · (u − zero), from the same quantiser.
      var xq = [Float](repeating: 0, count: m * k)
      var bytes = [Int8](repeating: 0, count: layer.paddedIn)
      for r in 0..<m {
        let (s, z) = x.withUnsafeBufferPointer { xp in
          bytes.withUnsafeMutableBufferPointer {
            QuantizedGemm.quantizeRow(
              xp.baseAddress! + r * k, k: k, paddedK: layer.paddedIn, into: $0.baseAddress!,
              flip: 0)
          }
        }
        for i in 0..<k { xq[r * k + i] = s * Float(Int32(UInt8(bitPattern: bytes[i])) - z) }
      }
      let wq = layer.dequantizedWeights()
      for gelu in [false, true] {
        let ref = referenceLinear(xq, m: m, wq, n: n, k: k, bias, gelu: gelu)
        let y = run(m: m, n: n) { out in
          MatrixMultiply.linear(
            x, rows: m, layer, into: out, activation: gelu ? .gelu : .none, threads: 2,
            backend: backend)
        }
        expectClose(y, ref, "\(backend) int8 m=\(m) k=\(k) n=\(n) gelu=\(gelu)")
      }
    }
  }

  /// The AVX2 activation quantiser gives the portable one's bytes, scale and zero point exactly.
  @Test(.enabled(if: KernelBackend.avx2.isSupported, "the CPU has no AVX2 + FMA"))
  func avx2QuantiserEqualsPortableOne() {
    for (index, k) in [1, 7, 8, 13, 384, 1536, 1539].enumerated() {
      var x = randoms(k, seed: UInt64(200 + index))
      if index % 2 == 1 { x = x.map { max($0, -0.1) * 3 } }
      if k > 8 { x[3] = 0.5 * (x[1] + x[2]) }
      let padded = (k + 3) / 4 * 4
      for flip: UInt8 in [0, 0x80] {
        var portable = [Int8](repeating: 1, count: padded)
        var vector = [Int8](repeating: 2, count: padded)
        let a = portable.withUnsafeMutableBufferPointer {
          QuantizedGemm.quantizeRow(x, k: k, paddedK: padded, into: $0.baseAddress!, flip: flip)
        }
        let b = vector.withUnsafeMutableBufferPointer {
          QuantizedGemm.quantizeRow(
            x, k: k, paddedK: padded, into: $0.baseAddress!, flip: flip, useAVX2: true)
        }
        #expect(a == b && portable == vector, "k=\(k) flip=\(flip)")
      }
    }
  }

  @Test(arguments: KernelBackend.supported)
  func linearMatchesReference(backend: KernelBackend) { checkLinear(backend) }

  @Test(arguments: KernelBackend.supported)
  func gemmMatchesReference(backend: KernelBackend) { checkGemm(backend) }

  @Test(arguments: KernelBackend.supported)
  func quantizedLinearMatchesDequantisedProduct(backend: KernelBackend) { checkQuantized(backend) }

  @Test(.enabled(if: CPUFeatures.avx512, "this CPU has no AVX-512 (F, BW, VL, VNNI)"))
  func avx512KernelsMatchReference() {
    checkLinear(.avx512)
    checkGemm(.avx512)
    checkQuantized(.avx512)
  }

  @Test(.enabled(if: CPUFeatures.avx2, "this CPU has no AVX2 + FMA"))
  func avx2IsChosenWhenAvailable() {
    #expect(KernelBackend.select(environment: [:]) != .swift)
    #expect(KernelBackend.select(environment: ["EMBEDDINGKIT_KERNELS": "swift"]) == .swift)
    #expect(KernelBackend.select(environment: ["EMBEDDINGKIT_KERNELS": "AVX2"]) == .avx2)
  }

  @Test(.enabled(if: CPUFeatures.avx512, "this CPU has no AVX-512 (F, BW, VL, VNNI)"))
  func avx512IsChosenWhenAvailable() {
    #expect(KernelBackend.select(environment: [:]) == .avx512)
    #expect(KernelBackend.select(environment: ["EMBEDDINGKIT_KERNELS": "avx2"]) == .avx2)
  }

  @Test func unsupportedOrUnknownForcedBackendFallsBack() {
    let best = KernelBackend.automatic
    #expect(KernelBackend.select(environment: ["EMBEDDINGKIT_KERNELS": "sse9"]) == best)
    #expect(KernelBackend.select(environment: [:]) == best)
    if !CPUFeatures.avx512 {
      #expect(KernelBackend.select(environment: ["EMBEDDINGKIT_KERNELS": "avx512"]) == best)
    }
    #expect(MatrixMultiply.backend == KernelBackend.current.rawValue)
  }

  /// Same bits for 1, 2 and 3 threads (rows and columns split, never k).
  @Test(arguments: KernelBackend.supported)
  func resultsDoNotDependOnThreads(backend: KernelBackend) {
    let (m, k, n) = (200, 520, 200)
    let x = randoms(m * k, seed: 1)
    let w = randoms(n * k, seed: 2)
    let layer = w.withUnsafeBufferPointer {
      PackedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: nil)
    }
    let qlayer = w.withUnsafeBufferPointer {
      QuantizedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: nil)
    }
    func run(_ threads: Int) -> [[Float]] {
      var y = [Float](repeating: 0, count: m * n)
      var q = y
      y.withUnsafeMutableBufferPointer {
        MatrixMultiply.linear(
          x, rows: m, layer, into: $0.baseAddress!, activation: .gelu, threads: threads,
          backend: backend)
      }
      q.withUnsafeMutableBufferPointer {
        MatrixMultiply.linear(
          x, rows: m, qlayer, into: $0.baseAddress!, activation: .none, threads: threads,
          backend: backend)
      }
      return [y, q]
    }
    let one = run(1)
    #expect(run(2) == one)
    #expect(run(3) == one)
  }

  /// The vectorised erf against Foundation's, and GELU against the scalar exact form.
  @Test func vectorErfMatchesFoundation() {
    var worst: Double = 0
    var x: Float = -6
    while x <= 6 {
      var v = SIMD8<Float>()
      for j in 0..<8 { v[j] = x + Float(j) * 0.000_37 }
      let e = VectorErf.erf(v)
      let g = VectorErf.gelu(v)
      for j in 0..<8 {
        let exact = erf(Double(v[j]))
        if exact != 0 { worst = max(worst, abs(Double(e[j]) - exact) / abs(exact)) }
        let ge = Double(MatrixMultiply.gelu(v[j]))
        #expect(abs(Double(g[j]) - ge) <= 1e-6 * max(1, abs(ge)), "gelu(\(v[j]))")
      }
      x += 0.003
    }
    #expect(worst < 3e-7, "erf max relative error \(worst)")
  }

  /// int8 error relative to the float product stays small on random data.
  @Test func quantizedErrorIsSmall() {
    let (m, k, n) = (64, 384, 96)
    let x = randoms(m * k, seed: 5)
    let w = randoms(n * k, seed: 6)
    let f = w.withUnsafeBufferPointer {
      PackedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: nil)
    }
    let q = w.withUnsafeBufferPointer {
      QuantizedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: nil)
    }
    var yf = [Float](repeating: 0, count: m * n)
    var yq = yf
    yf.withUnsafeMutableBufferPointer {
      MatrixMultiply.linear(x, rows: m, f, into: $0.baseAddress!)
    }
    yq.withUnsafeMutableBufferPointer {
      MatrixMultiply.linear(x, rows: m, q, into: $0.baseAddress!)
    }
    let diff = zip(yf, yq).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
    let norm = yf.reduce(0.0) { $0 + Double($1 * $1) }
    let relative = (diff / norm).squareRoot()
    #expect(relative < 0.02, "relative Frobenius error \(relative)")
    #expect(relative > 0)
  }

  /// An empty reduction (k = 0) leaves the bias (linear) or zero (gemm with beta 0), on every backend.
  @Test(arguments: KernelBackend.supported)
  func emptyReductionGivesBias(backend: KernelBackend) {
    let bias: [Float] = [1, -2, 3]
    let empty = UnsafeBufferPointer<Float>(start: nil, count: 0)
    let f = PackedLinear(weights: empty, outFeatures: 3, inFeatures: 0, bias: bias)
    let q = QuantizedLinear(weights: empty, outFeatures: 3, inFeatures: 0, bias: bias)
    let x: [Float] = [0]
    var y = [Float](repeating: .nan, count: 6)
    var yq = y
    y.withUnsafeMutableBufferPointer {
      MatrixMultiply.linear(
        x, rows: 2, f, into: $0.baseAddress!, activation: .none, threads: 1, backend: backend)
    }
    yq.withUnsafeMutableBufferPointer {
      MatrixMultiply.linear(
        x, rows: 2, q, into: $0.baseAddress!, activation: .none, threads: 1, backend: backend)
    }
    #expect(y == bias + bias)
    #expect(yq == bias + bias)
    var c = [Float](repeating: .nan, count: 6)
    c.withUnsafeMutableBufferPointer {
      MatrixMultiply.gemm(
        m: 2, n: 3, k: 0, alpha: 1, a: x, lda: 0, b: x, ldb: 0, transposeB: false, beta: 0,
        c: $0.baseAddress!, ldc: 3, backend: backend)
    }
    #expect(c == [Float](repeating: 0, count: 6))
  }
}
