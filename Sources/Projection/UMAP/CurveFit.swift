import Foundation

/// Fits UMAP's curve parameters: 1 / (1 + a·d^{2b}) ≈ 1 for d < minDistance and
/// exp(−(d − minDistance)/spread) beyond, by least squares on 300 points in [0, 3·spread]
/// (coarse-to-fine grid search over a and b).
enum CurveFit {
  static func ab(minDistance: Double, spread: Double) -> (a: Double, b: Double) {
    let xs = (0..<300).map { Double($0) * 3 * spread / 299 }
    let target = xs.map { $0 < minDistance ? 1 : exp(-($0 - minDistance) / spread) }
    func error(_ a: Double, _ b: Double) -> Double {
      var e = 0.0
      for (x, t) in zip(xs, target) {
        let f = 1 / (1 + a * pow(x, 2 * b))
        e += (f - t) * (f - t)
      }
      return e
    }
    var best = (a: 1.0, b: 1.0, e: error(1, 1))
    var aRange = (0.01, 10.0)
    var bRange = (0.1, 3.0)
    for _ in 0..<6 {
      for ia in 0...24 {
        for ib in 0...24 {
          let a = aRange.0 + (aRange.1 - aRange.0) * Double(ia) / 24
          let b = bRange.0 + (bRange.1 - bRange.0) * Double(ib) / 24
          let e = error(a, b)
          if e < best.e { best = (a, b, e) }
        }
      }
      let da = (aRange.1 - aRange.0) / 12
      let db = (bRange.1 - bRange.0) / 12
      aRange = (max(1e-4, best.a - da), best.a + da)
      bRange = (max(1e-3, best.b - db), best.b + db)
    }
    return (best.a, best.b)
  }
}
