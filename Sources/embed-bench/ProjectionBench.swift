import ArgumentParser
import EmbeddingKit
import Foundation

/// Loads word vectors for a projection benchmark, rows scaled to unit length (as the Python side
/// of Benchmarks/projection_bench.py does).
private func loadNormalized(_ path: String) throws -> Matrix {
  let vectors = try WordVectors.load(contentsOf: path)
  let m = vectors.matrix.copy()
  for r in 0..<m.rows { VectorKernels.normalize(m.rowPointer(r), m.columns) }
  return m
}

/// `embed-bench pca`: PCA time (median of repeats) and explained variance ratio, as JSON.
struct PCABench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pca",
    abstract: "Time PCA (2 components) on unit-length word vectors; prints JSON.")

  @Argument(help: "Word vectors file (any format WordVectors.load reads).")
  var vectors: String

  @Option(help: "Timed runs; the median is reported.")
  var repeats: Int = 15

  @Option(help: "Worker threads.")
  var threads: Int = 2

  @Option(help: "auto, exact or randomized.")
  var method: String = "auto"

  func run() throws {
    let m = try loadNormalized(vectors)
    guard let method = PCA.Method(rawValue: method) else {
      throw ValidationError("--method must be auto, exact or randomized")
    }
    var times: [Double] = []
    var pca = try PCA.fit(m, components: 2, method: method, threads: threads)  // warm-up
    for _ in 0..<max(1, repeats) {
      let t = MonotonicClock.now()
      pca = try PCA.fit(m, components: 2, method: method, threads: threads)
      times.append(MonotonicClock.now() - t)
    }
    times.sort()
    let ratio = pca.explainedVarianceRatio.map { String(format: "%.8f", $0) }.joined(
      separator: ", ")
    print(
      """
      {"seconds": \(times[times.count / 2]), "ratio": [\(ratio)], "method": "\(pca.method.rawValue)", \
      "rows": \(m.rows), "columns": \(m.columns)}
      """)
  }
}

/// `embed-bench tsne`: t-SNE time and the 2-D coordinates (raw float32, n × 2), as JSON.
struct TSNEBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tsne",
    abstract: "Time t-SNE (default settings) on unit-length word vectors; prints JSON.")

  @Argument(help: "Word vectors file (any format WordVectors.load reads).")
  var vectors: String

  @Option(help: "Worker threads.")
  var threads: Int = 2

  @Option(help: "Write the map here as raw little-endian float32, n × 2.")
  var coordinates: String?

  @Option(help: "auto, exact or barnes-hut.")
  var method: String = "auto"

  @Option(help: "Barnes-Hut theta.")
  var theta: Double = 0.5

  @Option(help: "Total iterations.")
  var iterations: Int = 750

  @Flag(help: "Print progress to stderr.")
  var verbose = false

  func run() throws {
    let m = try loadNormalized(vectors)
    var config = TSNE.Configuration()
    config.threads = threads
    config.theta = theta
    config.iterations = iterations
    guard let method = TSNE.Method(rawValue: method) else {
      throw ValidationError("--method must be auto, exact or barnes-hut")
    }
    config.method = method
    let t = MonotonicClock.now()
    var progress: ProgressHandler?
    if verbose {
      progress = { report in
        let kl = report.metrics["KL"] ?? 0
        let line = "\(report.completed) iterations, \(report.elapsed) s, KL \(kl)\n"
        FileHandle.standardError.write(Data(line.utf8))
      }
    }
    let result = try TSNE.embed(m, configuration: config, progress: progress)
    let seconds = MonotonicClock.now() - t
    if let coordinates {
      let data = Data(buffer: UnsafeBufferPointer(result.coordinates.buffer))
      try data.write(to: URL(fileURLWithPath: coordinates))
    }
    print(
      """
      {"seconds": \(seconds), "affinity_seconds": \(result.affinitySeconds), \
      "optimization_seconds": \(result.optimizationSeconds), "kl": \(result.klDivergence), \
      "method": "\(result.method.rawValue)", "rows": \(m.rows)}
      """)
  }
}

/// `embed-bench umap`: UMAP time and the 2-D coordinates (raw float32, n × 2), as JSON.
struct UMAPBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "umap",
    abstract: "Time UMAP (default settings) on unit-length word vectors; prints JSON.")

  @Argument(help: "Word vectors file (any format WordVectors.load reads).")
  var vectors: String

  @Option(help: "Worker threads (neighbour search).")
  var threads: Int = 2

  @Option(help: "Epochs (default: UMAP's own choice).")
  var epochs: Int?

  @Option(help: "Write the map here as raw little-endian float32, n × 2.")
  var coordinates: String?

  func run() throws {
    let m = try loadNormalized(vectors)
    var config = UMAP.Configuration()
    config.threads = threads
    config.epochs = epochs
    let t = MonotonicClock.now()
    let result = try UMAP.embed(m, configuration: config)
    let seconds = MonotonicClock.now() - t
    if let coordinates {
      let data = Data(buffer: UnsafeBufferPointer(result.coordinates.buffer))
      try data.write(to: URL(fileURLWithPath: coordinates))
    }
    print(#"{"seconds": \#(seconds), "epochs": \#(result.epochs), "rows": \#(m.rows)}"#)
  }
}
