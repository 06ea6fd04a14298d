import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench sentence-encode`: encodes the lines of a file with a sentence-transformers model,
/// writes the float32 vectors as .npy and times repeated passes, for
/// `Benchmarks/sentence_benchmark.py`.
///
/// Prints one JSON object to stdout: `seconds` (each timed pass, model load excluded),
/// `peakRSSMiB` (this process's own peak: `VmHWM` from /proc/self/status, which unlike
/// `ru_maxrss` does not inherit the parent's peak across fork/exec), `truncated`, `backend`,
/// `loadSeconds` and, with `--profile`, `stages` (thread-seconds per forward-pass stage, all passes).
struct SentenceEncodeBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sentence-encode",
    abstract: "Encode the lines of a file with a sentence encoder and time it (JSON on stdout).")

  @Option(help: "Model folder.")
  var model: String

  @Option(help: "Text file, one text per line.")
  var input: String

  @Option(help: "Where to write the vectors (.npy).")
  var output: String?

  @Option(help: "Threads.")
  var threads = 2

  @Option(help: "Texts per batch.")
  var batchSize = 32

  @Option(help: "Timed passes (the vectors written are those of the last).")
  var `repeat` = 1

  @Option(help: "float32 or int8.")
  var compute = "float32"

  @Option(help: "Text put before every line.")
  var prompt = ""

  @Flag(help: "Time each stage of the forward pass (adds `stages` to the report).")
  var profile = false

  func run() throws {
    var options = SentenceEncoderOptions()
    options.threads = threads
    options.batchSize = batchSize
    options.plainPrompt = prompt
    guard let mode = ComputeMode(rawValue: compute) else {
      throw ValidationError("--compute must be float32 or int8")
    }
    options.compute = mode
    let stages = profile ? ForwardProfile() : nil
    options.profile = stages
    let loadStart = MonotonicClock.now()
    let encoder = try SentenceEncoder(directory: model, options: options)
    let loadSeconds = MonotonicClock.now() - loadStart
    let text = try String(contentsOfFile: input, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    var seconds: [Double] = []
    var result: SentenceEmbeddingResult?
    for _ in 0..<max(1, self.repeat) {
      let start = MonotonicClock.now()
      result = try encoder.embed(lines, role: .plain)
      seconds.append(MonotonicClock.now() - start)
    }
    guard let result else { return }
    if let output { try NumpyArrayFile.write(result.vectors, to: output) }
    var report: [String: Any] = [
      "seconds": seconds, "peakRSSMiB": Self.peakResidentMiB(),
      "truncated": result.truncatedCount, "backend": MatrixMultiply.backend,
      "loadSeconds": loadSeconds, "texts": lines.count,
    ]
    if let stages {
      report["stages"] = Dictionary(
        uniqueKeysWithValues: stages.seconds.map { ($0.key.rawValue, $0.value) })
    }
    let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
  }

  /// This process's peak resident set in MiB: `VmHWM` where /proc exists, else `ru_maxrss`.
  static func peakResidentMiB() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kib = Double(
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    {
      return kib / 1024
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #if os(Linux)
      return Double(usage.ru_maxrss) / 1024
    #else
      return Double(usage.ru_maxrss) / 1_048_576
    #endif
  }
}
