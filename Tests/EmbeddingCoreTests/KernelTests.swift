import CEmbeddingKernels
import Testing

@testable import EmbeddingCore

@Suite struct KernelTests {
  @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 100, 300])
  func dotAndAxpyMatchScalarLoops(n: Int) {
    var rng = SeededGenerator(seed: UInt64(n))
    let x = (0..<n).map { _ in rng.nextFloat() - 0.5 }
    var y = (0..<n).map { _ in rng.nextFloat() - 0.5 }
    let expected = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
    let got = VectorKernels.dot(x, y, n)
    #expect(abs(got - expected) <= 1e-5 * Float(max(n, 1)))
    // The portable fallback (the path of CPUs without AVX2 + FMA) is checked on every CPU.
    let portable = VectorKernels.portableDot(x, y, n)
    #expect(abs(portable - expected) <= 1e-5 * Float(max(n, 1)))
    #expect(abs(portable - got) <= 1e-5 * Float(max(n, 1)))
    let expectedAxpy = zip(x, y).map { 0.5 * $0 + $1 }
    y.withUnsafeMutableBufferPointer { VectorKernels.axpy(0.5, x, $0.baseAddress!, n) }
    #expect(zip(y, expectedAxpy).allSatisfy { abs($0 - $1) < 1e-6 })
  }

  @Test func dotUsesTheCKernelWhenTheCPUHasAVX2() {
    var rng = SeededGenerator(seed: 77)
    let n = 387
    let x = (0..<n).map { _ in rng.nextFloat() - 0.5 }
    let y = (0..<n).map { _ in rng.nextFloat() - 0.5 }
    // With AVX2 + FMA (and no EMBEDDINGKIT_KERNELS=swift) dot is the C kernel, bit for bit.
    if DistanceKernels.accelerated {
      #expect(VectorKernels.dot(x, y, n) == ek_dot_avx2(x, y, Int64(n)))
    } else {
      #expect(VectorKernels.dot(x, y, n) == VectorKernels.portableDot(x, y, n))
    }
    #expect(DistanceKernels.accelerated == (KernelBackend.current != .swift))
  }

  /// The exact scan's row kernel on every backend this CPU runs (AVX-512, AVX2, portable) against a
  /// plain scalar scan: dimensions that 8 and 16 do not divide, row counts around the 4-row pass, and
  /// nothing written past `count`.
  @Test(arguments: [1, 7, 8, 15, 16, 17, 33, 384, 385])
  func dotRowsMatchesAPlainScanOnEveryBackend(d: Int) {
    var rng = SeededGenerator(seed: UInt64(d) + 5)
    let rows = 261
    let base = (0..<rows * d).map { _ in rng.nextFloat() - 0.5 }
    let q = (0..<d).map { _ in rng.nextFloat() - 0.5 }
    let want = (0..<rows).map { j in (0..<d).reduce(Float(0)) { $0 + q[$1] * base[j * d + $1] } }
    for backend in KernelBackend.supported {
      for (start, count) in [(0, 0), (0, 1), (3, 3), (0, 4), (1, 5), (7, 9), (0, 257), (4, 257)] {
        var out = [Float](repeating: .nan, count: count + 1)
        out.withUnsafeMutableBufferPointer { o in
          base.withUnsafeBufferPointer { b in
            DistanceKernels.dotRows(
              q, rows: b.baseAddress! + start * d, dimension: d, count: count,
              into: o.baseAddress!, backend: backend)
          }
        }
        for j in 0..<count {
          #expect(
            abs(out[j] - want[start + j]) <= 1e-5 * Float(d), "\(backend) d \(d) row \(start + j)")
        }
        #expect(out[count].isNaN, "\(backend) wrote past count \(count)")
      }
    }
  }

  /// The gathers by id (float32 and float16 rows: the HNSW walk) on every backend this CPU runs,
  /// against plain scalar sums over the same values.
  @Test(arguments: [1, 7, 15, 16, 17, 33, 384, 385])
  func dotGatherMatchesAPlainSumOnEveryBackend(d: Int) {
    var rng = SeededGenerator(seed: UInt64(d) + 11)
    let rows = 97
    let base = (0..<rows * d).map { _ in rng.nextFloat() - 0.5 }
    let half = base.map { Float16($0).bitPattern }
    let q = (0..<d).map { _ in rng.nextFloat() - 0.5 }
    let ids: [Int32] = (0..<40).map { _ in Int32(rng.next() % UInt64(rows)) }
    func want(_ row: Int, _ value: (Int) -> Float) -> Float {
      (0..<d).reduce(Float(0)) { $0 + q[$1] * value(row * d + $1) }
    }
    #expect(DistanceKernels.scanBackend == KernelBackend.current)
    for backend in KernelBackend.supported {
      for count in [0, 1, 2, ids.count] {
        var out = [Float](repeating: .nan, count: count + 1)
        var outHalf = out
        base.withUnsafeBufferPointer { b in
          DistanceKernels.dotGather(
            q, base: b.baseAddress!, dimension: d, ids: ids, count: count, into: &out,
            backend: backend)
        }
        half.withUnsafeBufferPointer { h in
          DistanceKernels.dotGather(
            q, half: h.baseAddress!, dimension: d, ids: ids, count: count, into: &outHalf,
            backend: backend)
        }
        for j in 0..<count {
          let row = Int(ids[j])
          #expect(abs(out[j] - want(row) { base[$0] }) <= 1e-5 * Float(d), "\(backend) d \(d)")
          let halfWant = want(row) { Float(Float16(bitPattern: half[$0])) }
          #expect(abs(outHalf[j] - halfWant) <= 1e-5 * Float(d), "\(backend) half d \(d)")
        }
        #expect(out[count].isNaN && outHalf[count].isNaN, "\(backend) wrote past count \(count)")
      }
    }
  }

  @Test(arguments: [0, 1, 7, 8, 15, 16, 17, 100, 300])
  func addMatchesTheScalarLoopOutOfPlaceAndInPlace(n: Int) {
    var rng = SeededGenerator(seed: UInt64(n) + 99)
    let x = (0..<n).map { _ in rng.nextFloat() - 0.5 }
    var y = (0..<n).map { _ in rng.nextFloat() - 0.5 }
    let expected = zip(x, y).map { $0 + $1 }
    var o = [Float](repeating: .nan, count: n)
    o.withUnsafeMutableBufferPointer { VectorKernels.add(x, y, into: $0.baseAddress!, n) }
    #expect(o == expected)
    // Accumulate in place (y += x), from an unaligned start.
    y.withUnsafeMutableBufferPointer { yb in
      VectorKernels.add(x, yb.baseAddress!, into: yb.baseAddress!, n)
    }
    #expect(y == expected)
  }

  @Test func normalizeGivesUnitLength() {
    var v: [Float] = [3, 4]
    let n = v.withUnsafeMutableBufferPointer { VectorKernels.normalize($0.baseAddress!, 2) }
    #expect(n == 5)
    #expect(v == [0.6, 0.8])
  }

  @Test func seededGeneratorIsReproducible() {
    var a = SeededGenerator(seed: 7)
    var b = SeededGenerator(seed: 7)
    var c = SeededGenerator(seed: 8)
    let sa = (0..<5).map { _ in a.next() }
    #expect(sa == (0..<5).map { _ in b.next() })
    #expect(sa != (0..<5).map { _ in c.next() })
    var g = SeededGenerator(seed: 1)
    let draws = (0..<20_000).map { _ in Double(g.nextGaussian()) }
    let mean = draws.reduce(0, +) / Double(draws.count)
    let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
    #expect(abs(mean) < 0.03)
    #expect(abs(variance - 1) < 0.05)
  }

  @Test func matrixRowsAreRowMajor() {
    let m = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
    #expect(m.row(1) == [4, 5, 6])
    m[0, 2] = 9
    #expect(m.copy().row(0) == [1, 2, 9])
  }
}
