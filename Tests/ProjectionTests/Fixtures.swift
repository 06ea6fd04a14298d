import EmbeddingCore

/// Small deterministic inputs shared by the projection tests.
enum Fixture {
  /// x[i][j] = sin(0.7 i + 0.3 j²)(j + 1)/d + cos(0.13 i (j mod 5 + 1)), float32 — the same
  /// formula as the numpy snippet whose scikit-learn PCA results the tests pin.
  static func formula(rows n: Int, columns d: Int) -> Matrix {
    let m = Matrix(rows: n, columns: d)
    for i in 0..<n {
      for j in 0..<d {
        let a = sin(Double(i) * 0.7 + Double(j * j) * 0.3) * Double(j + 1) / Double(d)
        m[i, j] = Float(a + cos(Double(i) * 0.13 * Double(j % 5 + 1)))
      }
    }
    return m
  }

  /// `clusters` Gaussian blobs of `perCluster` points in `d` dimensions, centres 10 apart.
  static func blobs(clusters: Int, perCluster: Int, d: Int, seed: UInt64 = 3) -> (Matrix, [Int]) {
    var rng = SeededGenerator(seed: seed)
    let m = Matrix(rows: clusters * perCluster, columns: d)
    var labels: [Int] = []
    for c in 0..<clusters {
      let centre = (0..<d).map { _ in rng.nextGaussian() * 10 }
      for p in 0..<perCluster {
        for j in 0..<d { m[c * perCluster + p, j] = centre[j] + rng.nextGaussian() }
        labels.append(c)
      }
    }
    return (m, labels)
  }

  /// Uniform random matrix in [−0.5, 0.5).
  static func random(rows: Int, columns: Int, seed: UInt64) -> Matrix {
    var rng = SeededGenerator(seed: seed)
    let m = Matrix(rows: rows, columns: columns)
    for i in 0..<m.count { m.baseAddress[i] = rng.nextFloat() - 0.5 }
    return m
  }
}

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif
