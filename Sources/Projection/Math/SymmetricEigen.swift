import Foundation

/// Eigenvalues and eigenvectors of a small dense symmetric matrix (cyclic Jacobi rotations).
///
/// `a` is row-major `n × n`, symmetric. Returns eigenvalues in descending order and the
/// matching eigenvectors as the rows of `vectors` (row-major `n × n`).
///
/// - Complexity: O(n³) per sweep; a handful of sweeps. Meant for n up to a few dozen.
func symmetricEigen(_ input: [Double], n: Int) -> (values: [Double], vectors: [Double]) {
  var a = input
  var v = [Double](repeating: 0, count: n * n)
  for i in 0..<n { v[i * n + i] = 1 }
  for _ in 0..<100 {
    var off = 0.0
    var diag = 0.0
    for p in 0..<n {
      diag += a[p * n + p] * a[p * n + p]
      for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] }
    }
    if off <= 1e-30 * max(diag, 1e-300) { break }
    for p in 0..<n {
      for q in (p + 1)..<max(p + 1, n) {
        let apq = a[p * n + q]
        if abs(apq) < 1e-300 { continue }
        // Rotation angle that zeroes a[p][q].
        let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        for k in 0..<n {
          let akp = a[k * n + p]
          let akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for k in 0..<n {
          let apk = a[p * n + k]
          let aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
        for k in 0..<n {
          let vkp = v[k * n + p]
          let vkq = v[k * n + q]
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
    }
  }
  let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
  var values = [Double](repeating: 0, count: n)
  var vectors = [Double](repeating: 0, count: n * n)
  for (r, i) in order.enumerated() {
    values[r] = a[i * n + i]
    for k in 0..<n { vectors[r * n + k] = v[k * n + i] }
  }
  return (values, vectors)
}

/// Orthonormalises the `p` columns of `m` (row-major `rows × p`) in place.
///
/// Modified Gram–Schmidt, twice for stability. A column that becomes zero is left zero.
///
/// - Complexity: O(rows · p²).
func orthonormalizeColumns(_ m: inout [Double], rows: Int, p: Int) {
  for _ in 0..<2 {
    for j in 0..<p {
      for i in 0..<j {
        var d = 0.0
        for r in 0..<rows { d += m[r * p + i] * m[r * p + j] }
        for r in 0..<rows { m[r * p + j] -= d * m[r * p + i] }
      }
      var norm = 0.0
      for r in 0..<rows { norm += m[r * p + j] * m[r * p + j] }
      norm = norm.squareRoot()
      if norm > 1e-300 { for r in 0..<rows { m[r * p + j] /= norm } }
    }
  }
}
