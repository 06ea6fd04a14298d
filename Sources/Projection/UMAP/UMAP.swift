import EmbeddingCore
import Foundation

/// Uniform manifold approximation and projection (McInnes, Healy & Melville 2018): a 2-D map
/// that keeps each point's neighbourhood, usually faster than t-SNE and with more of the global
/// layout kept.
///
/// The fuzzy neighbour graph comes from each point's `neighbours − 1` exact nearest others
/// (per-point distance to the nearest neighbour ρ and bandwidth σ so the weights sum to
/// log₂ neighbours; union w = a + b − ab). The map starts from PCA scaled to a ±10 box and is optimised
/// by stochastic gradient descent: each edge is sampled in proportion to its weight and pulls
/// its ends together along 1 / (1 + a·d^{2b}); `negativeSampleRate` random points push away.
/// a and b are fitted to `minDistance` and `spread`.
///
/// ```swift
/// let map = try UMAP.embed(vectors.matrix)   // map.coordinates: n × 2
/// ```
///
/// Deterministic for a given seed: the optimisation runs on one thread (the neighbour search
/// uses `threads`).
public enum UMAP {
  /// UMAP settings; every default is shown.
  public struct Configuration: Sendable {
    /// Size of each point's neighbourhood, the point itself included, as umap-learn's
    /// `n_neighbors` (default 15: 14 nearest others).
    public var neighbours: Int = 15
    /// How tightly points may pack in the map (default 0.1).
    public var minDistance: Double = 0.1
    /// Scale of the map's distances (default 1).
    public var spread: Double = 1
    /// Optimisation epochs; nil = 500 up to 10,000 points, 200 above (default nil).
    public var epochs: Int? = nil
    /// Repulsive samples per attractive one (default 5).
    public var negativeSampleRate: Int = 5
    /// Starting learning rate, decayed linearly to 0 (default 1).
    public var learningRate: Double = 1
    /// Seeds the negative sampling (default 1).
    public var seed: UInt64 = 1
    /// Threads for the neighbour search (default: all cores).
    public var threads: Int = Parallelism.defaultThreads

    /// The defaults.
    public init() {}
  }

  /// A finished map.
  public struct Result: Sendable {
    /// n × 2 coordinates.
    public let coordinates: Matrix
    /// The fitted curve parameters a, b.
    public let a: Double
    /// See `a`.
    public let b: Double
    /// Epochs run.
    public let epochs: Int
    /// Warnings worth showing (such as fewer neighbours than asked).
    public let notes: [String]
  }

  /// Embeds the rows of `points` in two dimensions.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for fewer than 3 points, a NaN/infinite value
  ///   (row named) or settings out of range.
  /// - Complexity: O(n² · d) for the exact neighbours + O(epochs · n · k · (1 + negative rate)).
  public static func embed(
    _ points: Matrix, configuration config: Configuration = Configuration(),
    progress: ProgressHandler? = nil
  ) throws(EmbeddingError) -> Result {
    let n = points.rows
    guard n >= 3 else { throw .invalidArgument("UMAP needs at least 3 points, got \(n)") }
    guard config.neighbours >= 2, config.minDistance >= 0, config.spread > 0,
      config.minDistance < config.spread, config.negativeSampleRate >= 0
    else {
      throw .invalidArgument(
        "UMAP settings out of range: neighbours ≥ 2, 0 ≤ minDistance < spread, rates ≥ 0")
    }
    try InputCheck.requireFinite(points)
    var notes: [String] = []
    let size = min(config.neighbours, n)
    if size < config.neighbours {
      notes.append("\(n) points allow neighbourhoods of \(size), not \(config.neighbours)")
    }
    let knn = NeighbourLists.exact(
      points: points, k: size - 1, metric: .squaredEuclidean, threads: config.threads,
      progress: progress)
    let graph = FuzzyGraph(neighbours: knn, neighbourhoodSize: size)
    let (a, b) = CurveFit.ab(minDistance: config.minDistance, spread: config.spread)
    let epochs = config.epochs ?? (n <= 10_000 ? 500 : 200)

    // Start: PCA, scaled so the largest coordinate is 10.
    let pca = try PCA.fit(points, components: min(2, points.columns), threads: config.threads)
    var y = [Float](repeating: 0, count: 2 * n)
    var largest: Float = 0
    for i in 0..<n {
      for c in 0..<min(2, points.columns) {
        y[2 * i + c] = pca.coordinates[i, c]
        largest = max(largest, abs(pca.coordinates[i, c]))
      }
    }
    var rng = SeededGenerator(seed: config.seed)
    let expand: Float = largest > 0 ? 10 / largest : 1
    for i in 0..<(2 * n) { y[i] = y[i] * expand + 0.0001 * rng.nextGaussian() }

    optimize(
      &y, graph: graph, n: n, a: Float(a), b: Float(b), epochs: epochs, config: config,
      rng: &rng, progress: progress)
    let coords = Matrix(rows: n, columns: 2)
    for i in 0..<(2 * n) { coords.baseAddress[i] = y[i] }
    return Result(coordinates: coords, a: a, b: b, epochs: epochs, notes: notes)
  }

  /// Stochastic gradient descent on the layout (umap-learn's edge and negative-sample schedule).
  private static func optimize(
    _ y: inout [Float], graph: FuzzyGraph, n: Int, a: Float, b: Float, epochs: Int,
    config: Configuration, rng: inout SeededGenerator, progress: ProgressHandler?
  ) {
    let maxWeight = graph.weights.max() ?? 1
    // Edges too weak to be sampled once in all epochs are dropped.
    let keep = graph.weights.indices.filter { graph.weights[$0] >= maxWeight / Float(epochs) }
    let heads = keep.map { Int(graph.heads[$0]) }
    let tails = keep.map { Int(graph.tails[$0]) }
    let perSample = keep.map { Double(maxWeight / graph.weights[$0]) }
    let rate = Double(max(config.negativeSampleRate, 1))
    let perNegative = perSample.map { $0 / rate }
    var nextSample = perSample
    var nextNegative = perNegative
    let started = MonotonicClock.now()
    func clip(_ g: Float) -> Float { max(-4, min(4, g)) }
    y.withUnsafeMutableBufferPointer { yb in
      let y = yb.baseAddress!
      for epoch in 0..<epochs {
        let alpha = Float(config.learningRate * (1 - Double(epoch) / Double(epochs)))
        let e = Double(epoch)
        for edge in 0..<heads.count where nextSample[edge] <= e {
          let i = heads[edge]
          let j = tails[edge]
          var dx = y[2 * i] - y[2 * j]
          var dy = y[2 * i + 1] - y[2 * j + 1]
          var d2 = dx * dx + dy * dy
          if d2 > 0 {
            let coeff = -2 * a * b * pow(d2, b - 1) / (a * pow(d2, b) + 1)
            let gx = clip(coeff * dx) * alpha
            let gy = clip(coeff * dy) * alpha
            y[2 * i] += gx
            y[2 * i + 1] += gy
            y[2 * j] -= gx
            y[2 * j + 1] -= gy
          }
          nextSample[edge] += perSample[edge]
          let negatives =
            config.negativeSampleRate == 0 ? 0 : Int((e - nextNegative[edge]) / perNegative[edge])
          for _ in 0..<max(0, negatives) {
            let k = Int(rng.next() % UInt64(n))
            if k == i { continue }
            dx = y[2 * i] - y[2 * k]
            dy = y[2 * i + 1] - y[2 * k + 1]
            d2 = dx * dx + dy * dy
            var gx: Float = 0
            var gy: Float = 0
            if d2 > 0 {
              let coeff = 2 * b / ((0.001 + d2) * (a * pow(d2, b) + 1))
              gx = clip(coeff * dx)
              gy = clip(coeff * dy)
            }
            y[2 * i] += gx * alpha
            y[2 * i + 1] += gy * alpha
          }
          nextNegative[edge] += Double(max(0, negatives)) * perNegative[edge]
        }
        if let progress, (epoch + 1) % 20 == 0 || epoch == epochs - 1 {
          progress(
            ProgressReport(
              stage: "UMAP", completed: epoch + 1, total: epochs, unit: "epochs",
              elapsed: MonotonicClock.now() - started))
        }
      }
    }
  }
}
