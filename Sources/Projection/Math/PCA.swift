import EmbeddingCore
import Foundation

/// Principal component analysis: the directions of largest variance, and the points projected
/// onto them.
///
/// ```swift
/// let pca = try PCA.fit(vectors.matrix, components: 2)
/// pca.coordinates                // n × 2 Matrix
/// pca.explainedVarianceRatio     // e.g. [0.081, 0.052]
/// ```
public struct PCA: Sendable {
  /// How the components are computed.
  public enum Method: String, Sendable, CaseIterable {
    /// `exact` when the dimension is at most 1,024, `randomized` above.
    case auto
    /// Covariance matrix (d × d), then its leading eigenvectors: Jacobi rotations for d ≤ 32,
    /// subspace iteration with Rayleigh–Ritz (converged to 1e-12) above. Matches a full
    /// eigendecomposition to rounding.
    case exact
    /// Randomised range finder (Halko, Martinsson & Tropp 2011): 10 extra columns, 4 power
    /// iterations. Never forms the d × d covariance; for very wide inputs.
    case randomized
  }

  /// The projected points, `rows × components`.
  public let coordinates: Matrix
  /// The principal axes, one per row (`components × dimension`), unit length.
  public let components: Matrix
  /// The column means that were subtracted.
  public let mean: [Float]
  /// Variance along each component (sample variance, divisor n − 1).
  public let explainedVariance: [Double]
  /// Each component's share of the total variance, in [0, 1].
  public let explainedVarianceRatio: [Double]
  /// The method that ran (`auto` resolved).
  public let method: Method

  /// Fits a PCA to the rows of `points` and projects them.
  ///
  /// - Parameters:
  ///   - components: number of axes to keep (default 2), at most the dimension.
  ///   - seed: seeds the random start vectors (results do not depend on it beyond rounding).
  ///   - threads: worker threads for the passes over the data.
  /// - Throws: `EmbeddingError.invalidArgument` for fewer than 2 rows, too many components,
  ///   or a NaN/infinite value (the row is named).
  /// - Complexity: exact O(n·d² + d²·p·iterations); randomised O(n·d·p·10), p = components + 10.
  public static func fit(
    _ points: Matrix, components: Int = 2, method: Method = .auto, seed: UInt64 = 1,
    threads: Int = Parallelism.defaultThreads
  ) throws(EmbeddingError) -> PCA {
    let n = points.rows
    let d = points.columns
    guard n >= 2 else {
      throw .invalidArgument("PCA needs at least 2 points, got \(n)")
    }
    guard components >= 1 && components <= d else {
      throw .invalidArgument(
        "PCA components must be in 1...\(d) (the dimension), got \(components)")
    }
    try InputCheck.requireFinite(points)
    let resolved: Method = method == .auto ? (d <= 1024 ? .exact : .randomized) : method
    let rows = PaddedRows(points)
    let mean = centre(rows, columns: d)
    let basis: (vectors: [Double], variances: [Double], total: Double)
    if resolved == .exact {
      let cov = covariance(rows, columns: d, threads: threads)
      var total = 0.0
      for i in 0..<d { total += cov[i * d + i] }
      let top = leadingEigenvectors(cov, n: d, count: components, seed: seed)
      basis = (top.vectors, top.values, total)
    } else {
      basis = randomizedBasis(rows, columns: d, count: components, seed: seed)
    }
    let axes = Matrix(rows: components, columns: d)
    for c in 0..<components {
      // Sign convention: the largest-magnitude coordinate of each axis is positive.
      var big = 0
      for k in 0..<d where abs(basis.vectors[c * d + k]) > abs(basis.vectors[c * d + big]) {
        big = k
      }
      let sign: Double = basis.vectors[c * d + big] < 0 ? -1 : 1
      for k in 0..<d { axes[c, k] = Float(sign * basis.vectors[c * d + k]) }
    }
    let padded = PaddedRows(axes)
    let coords = Matrix(rows: n, columns: components)
    for r in 0..<n {
      for c in 0..<components { coords[r, c] = rows.dot(rows.row(r), padded.row(c)) }
    }
    let variances = Array(basis.variances.prefix(components))
    return PCA(
      coordinates: coords, components: axes, mean: mean, explainedVariance: variances,
      explainedVarianceRatio: variances.map { basis.total > 0 ? max(0, $0) / basis.total : 0 },
      method: resolved)
  }

  /// Subtracts the column means from every row (SIMD, padding stays 0) and returns them.
  ///
  /// Sums run in `SIMD8<Float>` over blocks of 256 rows, flushed to `Double`, so the rounding
  /// does not grow with n. x: [n × stride].
  private static func centre(_ rows: PaddedRows, columns d: Int) -> [Float] {
    let s = rows.stride
    var sum = [Double](repeating: 0, count: s)
    let block = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: s / 8)
    defer { block.deallocate() }
    var r = 0
    while r < rows.rows {
      block.initialize(repeating: SIMD8(), count: s / 8)
      for q in r..<min(rows.rows, r + 256) {
        let raw = UnsafeRawPointer(rows.row(q))
        for k in 0..<(s / 8) { block[k] += raw.load(fromByteOffset: 32 * k, as: SIMD8<Float>.self) }
      }
      for k in 0..<(s / 8) {
        for j in 0..<8 { sum[8 * k + j] += Double(block[k][j]) }
      }
      r += 256
    }
    let mean = (0..<s).map { $0 < d ? Float(sum[$0] / Double(rows.rows)) : 0 }
    mean.withUnsafeBufferPointer { m in
      let means = UnsafeRawPointer(m.baseAddress!)
      for q in 0..<rows.rows {
        let raw = UnsafeMutableRawPointer(rows.row(q))
        for k in 0..<(s / 8) {
          let v = raw.load(fromByteOffset: 32 * k, as: SIMD8<Float>.self)
          raw.storeBytes(
            of: v - means.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<Float>.self),
            toByteOffset: 32 * k, as: SIMD8<Float>.self)
        }
      }
    }
    return Array(mean.prefix(d))
  }

  /// Sample covariance (divisor n − 1) of centred rows, row-major d × d, in `Double`.
  ///
  /// XᵀX on the matrix-product kernels (`MatrixMultiply.gemm`: AVX2 + FMA where the CPU has
  /// them, as scikit-learn's OpenBLAS does): rows are taken in blocks of 512, each block
  /// transposed once (the kernels want Xᵀ row-major) and multiplied in 32-row strips from the
  /// diagonal rightwards (the upper triangle: about 2/3 of the full product at d = 100). Each
  /// block's float product is added to a `Double` sum, so rounding does not grow with n.
  /// x: [n × stride] centred, zero-padded; out: [d × d] symmetric.
  private static func covariance(_ rows: PaddedRows, columns d: Int, threads: Int) -> [Double] {
    let n = rows.rows
    let s = rows.stride
    let block = 512
    // A fixed number of partial sums (not one per thread) keeps results identical for any
    // thread count; 4 bounds the memory at 4 · d² doubles.
    let chunks = min(4, max(1, n / block))
    let partials = SharedBuffer<Double>(count: chunks * d * d, value: 0)
    parallelFor(chunks, threads: threads) { chunk in
      let lo = chunk * n / chunks
      let hi = (chunk + 1) * n / chunks
      let out = partials.base + chunk * d * d
      let xt = UnsafeMutablePointer<Float>.allocate(capacity: d * block)  // [d × kc]
      let product = UnsafeMutablePointer<Float>.allocate(capacity: d * d)  // [d × d]
      defer {
        xt.deallocate()
        product.deallocate()
      }
      var r = lo
      while r < hi {
        let kc = min(block, hi - r)
        for q in 0..<kc {
          let x = rows.row(r + q)
          for a in 0..<d { xt[a * kc + q] = x[a] }
        }
        var strip = 0
        while strip < d {
          // C[strip..<strip+m, strip..<d] = Xᵀ[strip..<strip+m, :] · X[:, strip..<d]
          MatrixMultiply.gemm(
            m: min(32, d - strip), n: d - strip, k: kc, a: xt + strip * kc, lda: kc,
            b: rows.row(r) + strip, ldb: s, transposeB: false, beta: 0,
            c: product + strip * d + strip, ldc: d)
          strip += 32
        }
        for a in 0..<d {
          for b in a..<d { out[a * d + b] += Double(product[a * d + b]) }
        }
        r += kc
      }
    }
    var cov = [Double](repeating: 0, count: d * d)
    let scale = 1 / Double(n - 1)
    for chunk in 0..<chunks {
      let part = partials.base + chunk * d * d
      for a in 0..<d {
        for b in a..<d { cov[a * d + b] += part[a * d + b] }
      }
    }
    for a in 0..<d {
      for b in a..<d {
        cov[a * d + b] *= scale
        cov[b * d + a] = cov[a * d + b]
      }
    }
    return cov
  }

  /// The `count` leading eigenpairs of a symmetric d × d matrix.
  static func leadingEigenvectors(_ c: [Double], n d: Int, count: Int, seed: UInt64)
    -> (values: [Double], vectors: [Double])
  {
    if d <= 32 {
      let all = symmetricEigen(c, n: d)
      return (Array(all.values.prefix(count)), Array(all.vectors.prefix(count * d)))
    }
    // Subspace iteration with Rayleigh–Ritz on p = count + 10 vectors.
    let p = min(d, count + 10)
    var rng = SeededGenerator(seed: seed)
    var v = (0..<(d * p)).map { _ in Double(rng.nextGaussian()) }
    orthonormalizeColumns(&v, rows: d, p: p)
    var w = [Double](repeating: 0, count: d * p)
    var previous = [Double](repeating: .infinity, count: count)
    var ritz: (values: [Double], vectors: [Double]) = ([], [])
    for iteration in 1...1000 {
      multiply(c, d, v, p, into: &w)
      if iteration % 4 == 0 || iteration == 1000 {
        // Rayleigh–Ritz: H = Vᵀ C V (p × p), rotate V to H's eigenvectors.
        var h = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
          for j in 0..<p {
            var s = 0.0
            for k in 0..<d { s += v[k * p + i] * w[k * p + j] }
            h[i * p + j] = s
          }
        }
        for i in 0..<p {
          for j in (i + 1)..<max(i + 1, p) {
            let m = (h[i * p + j] + h[j * p + i]) / 2
            h[i * p + j] = m
            h[j * p + i] = m
          }
        }
        ritz = symmetricEigen(h, n: p)
        let values = Array(ritz.values.prefix(count))
        let scale = max(abs(values[0]), 1e-300)
        let converged = zip(values, previous).allSatisfy { abs($0 - $1) <= 1e-12 * scale }
        previous = values
        if converged { break }
      }
      v = w
      orthonormalizeColumns(&v, rows: d, p: p)
    }
    var vectors = [Double](repeating: 0, count: count * d)
    for c in 0..<count {
      for k in 0..<d {
        var s = 0.0
        for j in 0..<p { s += v[k * p + j] * ritz.vectors[c * p + j] }
        vectors[c * d + k] = s
      }
      let norm = (0..<d).reduce(0.0) { $0 + vectors[c * d + $1] * vectors[c * d + $1] }
        .squareRoot()
      if norm > 0 { for k in 0..<d { vectors[c * d + k] /= norm } }
    }
    return (Array(ritz.values.prefix(count)), vectors)
  }

  /// out (d × p) = a (d × d) · b (d × p), row-major.
  private static func multiply(
    _ a: [Double], _ d: Int, _ b: [Double], _ p: Int, into out: inout [Double]
  ) {
    for i in 0..<d {
      for j in 0..<p { out[i * p + j] = 0 }
      for k in 0..<d {
        let aik = a[i * d + k]
        if aik == 0 { continue }
        for j in 0..<p { out[i * p + j] += aik * b[k * p + j] }
      }
    }
  }

  /// Halko et al.'s randomised range finder on centred rows; returns unit axes, variances
  /// and the total variance.
  private static func randomizedBasis(_ rows: PaddedRows, columns d: Int, count: Int, seed: UInt64)
    -> (vectors: [Double], variances: [Double], total: Double)
  {
    let n = rows.rows
    let p = min(min(n, d), count + 10)
    var rng = SeededGenerator(seed: seed)
    var omega = (0..<(d * p)).map { _ in Double(rng.nextGaussian()) }
    var y = [Double](repeating: 0, count: n * p)
    func applyX(_ z: [Double], into y: inout [Double]) {  // y (n × p) = X z (d × p)
      for r in 0..<n {
        let x = rows.row(r)
        for j in 0..<p { y[r * p + j] = 0 }
        for k in 0..<d {
          let xk = Double(x[k])
          for j in 0..<p { y[r * p + j] += xk * z[k * p + j] }
        }
      }
    }
    func applyXT(_ y: [Double], into z: inout [Double]) {  // z (d × p) = Xᵀ y (n × p)
      for i in 0..<(d * p) { z[i] = 0 }
      for r in 0..<n {
        let x = rows.row(r)
        for k in 0..<d {
          let xk = Double(x[k])
          for j in 0..<p { z[k * p + j] += xk * y[r * p + j] }
        }
      }
    }
    applyX(omega, into: &y)
    orthonormalizeColumns(&y, rows: n, p: p)
    for _ in 0..<4 {
      applyXT(y, into: &omega)
      orthonormalizeColumns(&omega, rows: d, p: p)
      applyX(omega, into: &y)
      orthonormalizeColumns(&y, rows: n, p: p)
    }
    // B = Qᵀ X is p × d; stored transposed in `bt` (d × p).
    var bt = [Double](repeating: 0, count: d * p)
    applyXT(y, into: &bt)
    var bbt = [Double](repeating: 0, count: p * p)
    for i in 0..<p {
      for j in 0..<p {
        var s = 0.0
        for k in 0..<d { s += bt[k * p + i] * bt[k * p + j] }
        bbt[i * p + j] = s
      }
    }
    let eig = symmetricEigen(bbt, n: p)
    var vectors = [Double](repeating: 0, count: count * d)
    for c in 0..<count {
      for k in 0..<d {
        var s = 0.0
        for j in 0..<p { s += bt[k * p + j] * eig.vectors[c * p + j] }
        vectors[c * d + k] = s
      }
      let norm = (0..<d).reduce(0.0) { $0 + vectors[c * d + $1] * vectors[c * d + $1] }
        .squareRoot()
      if norm > 0 { for k in 0..<d { vectors[c * d + k] /= norm } }
    }
    var total = 0.0
    for r in 0..<n {
      let x = rows.row(r)
      for k in 0..<d { total += Double(x[k]) * Double(x[k]) }
    }
    let denom = Double(n - 1)
    return (vectors, eig.values.prefix(count).map { $0 / denom }, total / denom)
  }
}
