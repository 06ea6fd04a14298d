import EmbeddingCore
import Testing

@testable import Projection

@Suite struct PCATests {
  // scikit-learn 1.9.1, PCA(n_components=3, svd_solver="full") on Fixture.formula (float64).
  @Test func exactMatchesScikitLearnSmallDimension() throws {
    let pca = try PCA.fit(Fixture.formula(rows: 40, columns: 6), components: 3)
    #expect(pca.method == .exact)
    let expected = [0.36263307, 0.27713654, 0.14781988]
    for (got, want) in zip(pca.explainedVarianceRatio, expected) { #expect(abs(got - want) < 1e-5) }
    #expect(abs(pca.explainedVariance[0] - 1.46284494) < 1e-4)
  }

  @Test func subspaceIterationMatchesScikitLearn() throws {
    // d = 48 > 32 takes the subspace-iteration path.
    let pca = try PCA.fit(Fixture.formula(rows: 60, columns: 48), components: 3)
    let expected = [0.24755073, 0.1742888, 0.16463175]
    for (got, want) in zip(pca.explainedVarianceRatio, expected) { #expect(abs(got - want) < 1e-5) }
    #expect(abs(pca.explainedVariance[1] - 5.57395278) < 1e-3)
  }

  @Test func randomizedAgreesWithExact() throws {
    let m = Fixture.formula(rows: 60, columns: 48)
    let exact = try PCA.fit(m, components: 2, method: .exact)
    let fast = try PCA.fit(m, components: 2, method: .randomized)
    #expect(fast.method == .randomized)
    for c in 0..<2 {
      #expect(abs(exact.explainedVarianceRatio[c] - fast.explainedVarianceRatio[c]) < 1e-4)
      // Same axis (same sign convention).
      var dot: Float = 0
      for k in 0..<48 { dot += exact.components[c, k] * fast.components[c, k] }
      #expect(abs(dot) > 0.999)
    }
  }

  @Test func coordinatesAreCentredProjections() throws {
    let m = Fixture.formula(rows: 40, columns: 6)
    let pca = try PCA.fit(m, components: 2)
    var mean = [Double](repeating: 0, count: 2)
    for r in 0..<40 { for c in 0..<2 { mean[c] += Double(pca.coordinates[r, c]) } }
    #expect(mean.allSatisfy { abs($0 / 40) < 1e-5 })
    // Variance of the coordinates is the explained variance.
    var v = 0.0
    for r in 0..<40 { v += Double(pca.coordinates[r, 0] * pca.coordinates[r, 0]) }
    #expect(abs(v / 39 - pca.explainedVariance[0]) < 1e-4)
  }

  @Test func jacobiEigenpairsSatisfyDefinition() {
    let n = 7
    var rng = SeededGenerator(seed: 5)
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in i..<n {
        let v = Double(rng.nextGaussian())
        a[i * n + j] = v
        a[j * n + i] = v
      }
    }
    let (values, vectors) = symmetricEigen(a, n: n)
    #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
    for e in 0..<n {
      for i in 0..<n {
        var av = 0.0
        for k in 0..<n { av += a[i * n + k] * vectors[e * n + k] }
        #expect(abs(av - values[e] * vectors[e * n + i]) < 1e-9)
      }
    }
  }

  @Test func badInputIsRejectedWithReasons() {
    #expect(throws: EmbeddingError.self) { try PCA.fit(Matrix(rows: 1, columns: 3)) }
    #expect(throws: EmbeddingError.self) { try PCA.fit(Matrix(rows: 5, columns: 2), components: 3) }
    let m = Fixture.formula(rows: 10, columns: 4)
    m[7, 2] = .nan
    do {
      _ = try PCA.fit(m)
      Issue.record("NaN accepted")
    } catch {
      #expect("\(error)".contains("row 7"))
    }
  }
}
