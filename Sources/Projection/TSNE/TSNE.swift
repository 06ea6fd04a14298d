import EmbeddingCore
import Foundation

/// t-distributed stochastic neighbour embedding (van der Maaten & Hinton 2008): a 2-D map in
/// which points that are neighbours in the original space stay neighbours.
///
/// Affinities come from each point's `3 × perplexity` exact nearest neighbours. Forces are
/// exact (O(n²)) for up to `exactThreshold` points and Barnes–Hut (O(n log n), `theta`) above.
/// Optimisation follows openTSNE's defaults: PCA initialisation scaled to standard deviation
/// 1e-4, 250 iterations with exaggeration 12, then 500 without; momentum 0.8; learning rate
/// n / exaggeration; per-coordinate gains (+0.2 / ×0.8); steps capped at 5 per point.
///
/// ```swift
/// var config = TSNE.Configuration()
/// config.perplexity = 30
/// let result = try TSNE.embed(vectors.matrix, configuration: config)
/// result.coordinates   // n × 2
/// ```
///
/// Deterministic: the same input and seed give the same map for any thread count.
public enum TSNE {
  /// How repulsive forces are computed.
  public enum Method: String, Sendable, CaseIterable {
    /// `exact` up to `exactThreshold` points, `barnesHut` above.
    case auto
    /// Every pair, O(n²) per iteration; affinities over all points.
    case exact
    /// Quadtree approximation, O(n log n) per iteration.
    case barnesHut = "barnes-hut"
  }

  /// How the map starts.
  public enum Initialization: String, Sendable, CaseIterable {
    /// The first two principal components, scaled to standard deviation 1e-4 (default).
    case pca
    /// Gaussian noise with standard deviation 1e-4 (seeded).
    case random
  }

  /// t-SNE settings; every default is shown.
  public struct Configuration: Sendable {
    /// Effective number of neighbours each point attends to (default 30).
    ///
    /// Clamped to
    /// (n − 1) / 3 when there are too few points; see `Result.perplexity`.
    public var perplexity: Double = 30
    /// Iterations in total, early exaggeration included (default 750).
    public var iterations: Int = 750
    /// Iterations with exaggerated attraction at the start (default 250).
    public var earlyExaggerationIterations: Int = 250
    /// Attraction multiplier during early exaggeration (default 12).
    public var earlyExaggeration: Double = 12
    /// Attraction multiplier afterwards (default 1).
    public var exaggeration: Double = 1
    /// Step size; nil = n / exaggeration, at least 1 (default nil, "auto").
    public var learningRate: Double? = nil
    /// Momentum during early exaggeration (default 0.8, as openTSNE; 0.5 is van der Maaten's).
    public var initialMomentum: Double = 0.8
    /// Momentum afterwards (default 0.8).
    public var finalMomentum: Double = 0.8
    /// Barnes–Hut accuracy: a cell is summarised when side / distance < theta (default 0.5).
    public var theta: Double = 0.5
    /// Force computation (default auto).
    public var method: Method = .auto
    /// Largest n for which `auto` computes exact forces (default 1,000).
    public var exactThreshold: Int = 1000
    /// Starting map (default pca).
    public var initialization: Initialization = .pca
    /// Seeds random initialisation and the PCA start vectors (default 1).
    public var seed: UInt64 = 1
    /// Worker threads (default: all cores).
    public var threads: Int = Parallelism.defaultThreads
    /// Compares rows by cosine (rows normalised first) instead of Euclidean distance (default
    /// false).
    public var cosine: Bool = false

    /// The defaults.
    public init() {}
  }

  /// A finished embedding.
  public struct Result: Sendable {
    /// The map, n × 2.
    public let coordinates: Matrix
    /// Kullback–Leibler divergence KL(P‖Q) of the final map (lower is better).
    public let klDivergence: Double
    /// The perplexity used (the requested one unless there were too few points).
    public let perplexity: Double
    /// The force method that ran.
    public let method: Method
    /// Seconds spent on nearest neighbours and affinities.
    public let affinitySeconds: Double
    /// Seconds spent optimising.
    public let optimizationSeconds: Double
    /// Warnings worth showing the user (such as a lowered perplexity).
    public let notes: [String]
  }

  /// Embeds the rows of `points` in two dimensions.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for fewer than 2 points, a NaN/infinite value
  ///   (the row is named) or a non-positive perplexity; `.cancelled` if `cancellation` fires.
  /// - Complexity: exact O(n² · iterations); Barnes–Hut O(n² · d) for the neighbours (blocked
  ///   SIMD kernel) + O(n log n · iterations).
  public static func embed(
    _ points: Matrix, configuration config: Configuration = Configuration(),
    progress: ProgressHandler? = nil, cancellation: CancellationToken? = nil
  ) throws(EmbeddingError) -> Result {
    let n = points.rows
    guard n >= 2 else {
      throw .invalidArgument("t-SNE needs at least 2 points, got \(n)")
    }
    guard config.perplexity > 0, config.perplexity.isFinite else {
      throw .invalidArgument("perplexity must be positive, got \(config.perplexity)")
    }
    guard config.iterations >= 0, config.earlyExaggerationIterations >= 0 else {
      throw .invalidArgument("iteration counts must be non-negative")
    }
    try InputCheck.requireFinite(points)
    var notes: [String] = []
    let start = MonotonicClock.now()
    let method: Method =
      config.method == .auto ? (n <= config.exactThreshold ? .exact : .barnesHut) : config.method
    if method == .exact && n > 5000 {
      throw .invalidArgument(
        "exact t-SNE keeps all n² affinities (\(ByteCount.format(n * n * 12)) for \(n) points); "
          + "use the Barnes-Hut method above 5,000 points")
    }
    let maxPerplexity = max(1, Double(n - 1) / 3)
    var perplexity = config.perplexity
    if perplexity > maxPerplexity {
      notes.append(
        "perplexity \(format(perplexity)) needs at least \(format((3 * perplexity).rounded(.up) + 1)) "
          + "points; \(n) points allow \(format(maxPerplexity)), which is used instead")
      perplexity = maxPerplexity
    }
    let k = method == .exact ? n - 1 : min(n - 1, Int((3 * perplexity).rounded(.up)))
    let knn = NeighbourLists.exact(
      points: points, k: k, metric: config.cosine ? .cosine : .squaredEuclidean,
      threads: config.threads, progress: progress)
    let p = Affinities(neighbours: knn, perplexity: perplexity, threads: config.threads)
    let affinitySeconds = MonotonicClock.now() - start

    let y = try initialMap(points, config: config)
    let optimizer = TSNEOptimizer(
      p: p, y: y, n: n, method: method, config: config)
    let optStart = MonotonicClock.now()
    let kl = try optimizer.run(progress: progress, cancellation: cancellation)
    let coords = Matrix(rows: n, columns: 2)
    for i in 0..<(2 * n) { coords.baseAddress[i] = Float(optimizer.y[i]) }
    return Result(
      coordinates: coords, klDivergence: kl, perplexity: perplexity, method: method,
      affinitySeconds: affinitySeconds, optimizationSeconds: MonotonicClock.now() - optStart,
      notes: notes)
  }

  private static func initialMap(_ points: Matrix, config: Configuration) throws(EmbeddingError)
    -> [Double]
  {
    let n = points.rows
    var y = [Double](repeating: 0, count: 2 * n)
    if config.initialization == .pca && points.columns >= 2 {
      let source: Matrix
      if config.cosine {
        source = points.copy()
        for r in 0..<n { VectorKernels.normalize(source.rowPointer(r), source.columns) }
      } else {
        source = points
      }
      let pca = try PCA.fit(source, components: 2, seed: config.seed, threads: config.threads)
      for i in 0..<(2 * n) { y[i] = Double(pca.coordinates.baseAddress[i]) }
    } else {
      var rng = SeededGenerator(seed: config.seed)
      for i in 0..<(2 * n) { y[i] = Double(rng.nextGaussian()) }
    }
    // Scale so the first coordinate has standard deviation 1e-4 (as openTSNE does).
    var mean = 0.0
    for i in 0..<n { mean += y[2 * i] }
    mean /= Double(n)
    var variance = 0.0
    for i in 0..<n { variance += (y[2 * i] - mean) * (y[2 * i] - mean) }
    let std = (variance / Double(n)).squareRoot()
    let scale = std > 0 ? 1e-4 / std : 1
    for i in 0..<(2 * n) { y[i] *= scale }
    return y
  }

  static func format(_ x: Double) -> String {
    // Int(x) only where it fits: a perplexity of 1e20 must print, not trap.
    abs(x) < 1e15 && x == x.rounded()
      ? String(Int(x)) : String(format: abs(x) < 1e6 ? "%.2f" : "%.3g", x)
  }
}
