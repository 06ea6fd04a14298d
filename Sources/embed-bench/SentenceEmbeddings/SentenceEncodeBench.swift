import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench sentence-encode`: encodes the lines of a file with a sentence-transformers model,
/// writes the float32 vectors as .npy and times repeated passes, for
/// `Benchmarks/sentence_benchmark.py`.
///
/// Prints one JSON object to stdout: `seconds` (each timed pass, model load excluded),
/// `peakRSSMiB`, `truncated`, `backend`, `loadSeconds`.
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

  func run() throws {
    var options = SentenceEncoderOptions()
    options.threads = threads
    options.batchSize = batchSize
    options.plainPrompt = prompt
    guard let mode = ComputeMode(rawValue: compute) else {
      throw ValidationError("--compute must be float32 or int8")
    }
    options.compute = mode
    let loadStart = Clock.now()
    let encoder = try SentenceEncoder(directory: model, options: options)
    let loadSeconds = Clock.now() - loadStart
    let text = try String(contentsOfFile: input, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    var seconds: [Double] = []
    var result: SentenceEmbeddingResult?
    for _ in 0..<max(1, self.repeat) {
      let start = Clock.now()
      result = try encoder.embed(lines, role: .plain)
      seconds.append(Clock.now() - start)
    }
    guard let result else { return }
    if let output { try NumpyArrayFile.write(result.vectors, to: output) }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let report: [String: Any] = [
      "seconds": seconds, "peakRSSMiB": Double(usage.ru_maxrss) / 1024,
      "truncated": result.truncatedCount, "backend": MatrixMultiply.backend,
      "loadSeconds": loadSeconds, "texts": lines.count,
    ]
    let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
  }
}
