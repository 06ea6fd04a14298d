import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench vectors-search`: batched top-k neighbour search throughput and single-query
/// latency (Benchmarks/wordvectors_speed.py runs numpy on the same file beside it).
struct VectorsSearchBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vectors-search",
    abstract: "Time batched and single top-k neighbour queries over a vectors file.")

  @Option(help: "Vectors file (any format).")
  var vectors: String

  @Option(help: "Number of queries: the first N words, each excluded from its own answers.")
  var queries: Int = 1000

  @Option(help: "Neighbours per query.")
  var top: Int = 10

  @Option(help: "Single queries timed for latency.")
  var singles: Int = 50

  @Option(help: "Write the batched answers (one line of rows per query) to this file.")
  var output: String?

  @Option(help: "Timed repetitions of the batch; the best is reported (machine-load noise).")
  var `repeat`: Int = 1

  func run() throws {
    let loadStart = MonotonicClock.now()
    let wv = try WordVectors.load(contentsOf: vectors)
    let loadSeconds = MonotonicClock.now() - loadStart
    _ = wv.norms  // computed once, like gensim's fill_norms, outside the timings
    let batch = (0..<min(queries, wv.count)).map { ([wv.word(at: $0)], [String]()) }
    _ = try wv.mostSimilar(batch: Array(batch.prefix(8)), topN: top)  // warm-up
    var answers: [[Neighbour]] = []
    var batchSeconds = Double.infinity
    var batchCPU = Double.infinity
    for _ in 0..<max(1, `repeat`) {
      let start = MonotonicClock.now()
      let cpuStart = processCPUSeconds()
      answers = try wv.mostSimilar(batch: batch, topN: top)
      batchSeconds = min(batchSeconds, MonotonicClock.now() - start)
      batchCPU = min(batchCPU, processCPUSeconds() - cpuStart)
    }
    var latencies: [Double] = []
    for i in 0..<min(singles, wv.count) {
      let t = MonotonicClock.now()
      _ = try wv.mostSimilar(to: wv.word(at: (i * 7919) % wv.count), topN: top)
      latencies.append(MonotonicClock.now() - t)
    }
    latencies.sort()
    if let output {
      let text =
        answers.map { $0.map { String($0.row) }.joined(separator: " ") }.joined(separator: "\n")
        + "\n"
      try text.write(toFile: output, atomically: true, encoding: .utf8)
    }
    let result: [String: Any] = [
      "words": wv.count, "dimension": wv.dimension, "queries": batch.count, "top": top,
      "load_seconds": loadSeconds, "batch_seconds": batchSeconds, "batch_cpu_seconds": batchCPU,
      "queries_per_second": Double(batch.count) / batchSeconds,
      "single_median_ms": latencies.isEmpty ? 0 : latencies[latencies.count / 2] * 1000,
      "threads": Parallelism.defaultThreads,
    ]
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
  }
}

/// `embed-bench vectors-load`: time to load (or open) a vectors file.
struct VectorsLoadBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vectors-load", abstract: "Time loading a vectors file (best of --repeat).")

  @Option(help: "Vectors file (any format).")
  var file: String

  @Option(help: "Repetitions; the best time is reported.")
  var `repeat`: Int = 3

  @Flag(help: "Also touch every word and row after opening (for the mapped native format).")
  var touch = false

  func run() throws {
    var best = Double.infinity
    var words = 0
    var dimension = 0
    for _ in 0..<max(1, `repeat`) {
      let start = MonotonicClock.now()
      let wv = try WordVectors.load(contentsOf: file)
      if touch {
        var sum: Float = 0
        for r in 0..<wv.count { sum += wv.matrix.rowPointer(r)[0] }
        _ = wv.words
        if sum.isNaN { print("") }
      }
      best = min(best, MonotonicClock.now() - start)
      words = wv.count
      dimension = wv.dimension
    }
    let result: [String: Any] = [
      "file": file, "words": words, "dimension": dimension, "seconds": best,
    ]
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
  }
}

/// `embed-bench vectors-fuzz`: mutate valid files and load them; no crash allowed.
struct VectorsFuzzBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vectors-fuzz",
    abstract: "Load thousands of randomly damaged vector files in every format (must not crash).")

  @Option(help: "Number of mutated files.")
  var files: Int = 10_000

  @Option(help: "Random seed.")
  var seed: UInt64 = 1

  func run() throws {
    let dir = NSTemporaryDirectory() + "embeddingkit-fuzz-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var fuzzer = _VectorFileFuzzer(seed: seed)
    let start = MonotonicClock.now()
    let summary = try fuzzer.run(files: files, directory: dir)
    print("\(summary) in \(String(format: "%.1f", MonotonicClock.now() - start)) s, no crash")
  }
}

/// User + system CPU seconds of this process, all threads (fair under a loaded machine).
func processCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
