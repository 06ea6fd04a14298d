import Testing

@testable import EmbeddingCore

@Suite struct InnerProductTilesTests {
  /// Every (query, row) pair is visited exactly once, with the score `gemm` computes for it, on
  /// every backend the CPU runs; sizes cover partial panels, partial query tiles and k-blocking.
  @Test(arguments: KernelBackend.supported)
  func tilesCoverEveryPairWithGemmScores(backend: KernelBackend) {
    var rng = SeededGenerator(seed: 31)
    for (m, n, d, block) in [(13, 100, 131, 32), (1, 257, 384, 0), (7, 31, 8, 64), (6, 64, 1, 33)] {
      let q = (0..<(m * d)).map { _ in rng.nextFloat() - 0.5 }
      let x = (0..<(n * d)).map { _ in rng.nextFloat() - 0.5 }
      var want = [Float](repeating: 0, count: m * n)
      want.withUnsafeMutableBufferPointer { c in
        MatrixMultiply.gemm(
          m: m, n: n, k: d, alpha: 1, a: q, lda: d, b: x, ldb: d, transposeB: true, beta: 0,
          c: c.baseAddress!, ldc: n, backend: backend)
      }
      var got = [Float](repeating: .nan, count: m * n)
      var visits = [Int](repeating: 0, count: m * n)
      MatrixMultiply.innerProductTiles(
        queries: q, count: m, base: x, rows: n, dimension: d, blockRows: block, backend: backend
      ) { q0, qn, r0, rn, scores, stride in
        #expect(qn >= 1 && rn >= 1 && stride >= rn)
        for i in 0..<qn {
          for j in 0..<rn {
            got[(q0 + i) * n + r0 + j] = scores[i * stride + j]
            visits[(q0 + i) * n + r0 + j] += 1
          }
        }
      }
      #expect(visits.allSatisfy { $0 == 1 }, "m \(m) n \(n) d \(d)")
      #expect(zip(got, want).allSatisfy { abs($0 - $1) <= 1e-5 }, "m \(m) n \(n) d \(d)")
    }
  }

  /// Queries packed by `FloatGemm.packRows` (what `innerProductTiles` passes) give bit for bit the
  /// products of row-major ones, on every backend: partial tiles, two row blocks, two threads.
  @Test(arguments: KernelBackend.supported)
  func packedRowsGiveTheSameProducts(backend: KernelBackend) {
    var rng = SeededGenerator(seed: 5)
    for (m, n, k) in [(1, 33, 7), (13, 64, 130), (197, 40, 300)] {
      let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
      let b = (0..<(n * k)).map { _ in rng.nextFloat() - 0.5 }
      let panels = PanelPacking.allocate((n + 31) / 32 * 32 * k)
      let packed = FloatGemm.packRows(a, m: m, k: k, lda: k, backend: backend)
      defer {
        PanelPacking.deallocate(panels)
        PanelPacking.deallocate(packed)
      }
      PanelPacking.pack(panels, b, k: k, n: n, columnStride: k, rowStride: 1)
      var plain = [Float](repeating: .nan, count: m * n)
      var fromPacked = plain
      FloatGemm.run(
        m: m, n: n, k: k, a: a, lda: k, panels: panels, c: &plain, ldc: n, alpha: 1,
        accumulate: false, bias: nil, gelu: false, threads: 1, backend: backend)
      FloatGemm.run(
        m: m, n: n, k: k, a: packed, lda: k, panels: panels, c: &fromPacked, ldc: n, alpha: 1,
        accumulate: false, bias: nil, gelu: false, threads: 2, backend: backend, aPacked: true)
      #expect(plain == fromPacked, "m \(m) n \(n) k \(k)")
    }
  }

  @Test func blockRowsFitTheBudget() {
    #expect(MatrixMultiply.innerProductBlockRows(dimension: 384) == 256)
    #expect(MatrixMultiply.innerProductBlockRows(dimension: 100_000) == 32)
    #expect(MatrixMultiply.innerProductBlockRows(dimension: 1) == 2048)
  }

  /// The threshold scan of the fused top-k: the kernel in use and the portable loop both return the
  /// first index above t (or count), across block edges, with NaN never above and ties not above.
  @Test func firstIndexAboveMatchesAScalarScan() {
    var rng = SeededGenerator(seed: 7)
    for count in [0, 1, 31, 32, 33, 64, 100, 257] {
      var x = (0..<count).map { _ in rng.nextFloat() }
      if count > 40 { x[37] = .nan }
      for t: Float in [-1, 0.5, 0.9, 0.999, 2] {
        for start in Set([0, 1, count / 2, max(0, count - 1), count]) where start <= count {
          let want = (start..<count).first { x[$0] > t } ?? count
          x.withUnsafeBufferPointer { p in
            let base = p.baseAddress ?? UnsafePointer(bitPattern: 16)!
            #expect(DistanceKernels.firstIndex(base, from: start, count: count, above: t) == want)
            #expect(
              DistanceKernels.portableFirstIndex(base, from: start, count: count, above: t) == want)
          }
        }
      }
      if let top = x.filter({ !$0.isNaN }).max() {
        x.withUnsafeBufferPointer { p in
          #expect(
            DistanceKernels.firstIndex(p.baseAddress!, from: 0, count: count, above: top) == count)
        }
      }
    }
  }
}
