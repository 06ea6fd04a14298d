import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench fuzz`: seeded-mutation fuzzing of every file loader, and of the CLI's numeric
/// options. Exits non-zero if any input ends in a signal or a non-`EmbeddingError` error.
struct FuzzBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fuzz",
    abstract: "Fuzz every loader with damaged files and the CLI with extreme numbers (no traps).",
    discussion: """
      Targets: vectors (word2vec bin/text, fastText .vec, GloVe, .npy + vocabulary, safetensors,
      native .ekv), tiktoken, gpt2 (encoder.json + vocab.bpe), word-vocab, npy, safetensors, w2v,
      cli (runs the embed binary; every numeric option × 16 extreme values), or all.
      A trap ends this process with a signal, so finishing with exit 0 is the pass.
      Example (CI, about a minute on 2 cores): embed-bench fuzz --target all --files 2000 --seed 1
      """)

  @Option(help: "vectors, tiktoken, gpt2, word-vocab, npy, safetensors, w2v, cli or all.")
  var target: String = "all"

  @Option(help: "Mutated files per loader target (vectors: per run of all seven formats).")
  var files: Int = 2000

  @Option(help: "Random seed (the same seed replays the same mutants).")
  var seed: UInt64 = 1

  @Option(help: "The embed binary for the cli target (default: next to this binary).")
  var embed: String?

  @Option(help: "Seconds before a cli run is stopped (counted as a timeout, not a failure).")
  var timeLimit: Double = 10

  @Option(help: "Run a seeded random sample of N cli cases (default: all of them).")
  var cliLimit: Int?

  func run() throws {
    let dir = NSTemporaryDirectory() + "embeddingkit-fuzz-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let known = ["vectors", "tiktoken", "gpt2", "word-vocab", "npy", "safetensors", "w2v", "cli"]
    guard target == "all" || known.contains(target) else {
      throw ValidationError("--target must be all or one of \(known.joined(separator: ", "))")
    }
    var failed = false
    if target == "all" || target == "vectors" {
      let start = MonotonicClock.now()
      var fuzzer = _VectorFileFuzzer(seed: seed)
      let summary = try fuzzer.run(files: files, directory: dir + "/vectors")
      print("vectors: \(summary) in \(String(format: "%.1f", MonotonicClock.now() - start)) s")
      failed = failed || summary.otherErrors > 0
    }
    var mutator = _ByteMutator(seed: seed)
    for t in try loaderFuzzTargets(directory: dir) where target == "all" || target == t.name {
      let start = MonotonicClock.now()
      let c = fuzz(t, files: files, mutator: &mutator, directory: dir)
      print(
        "\(t.name): files \(c.files), loaded \(c.loaded), rejected \(c.rejected) "
          + "(EmbeddingError), other errors \(c.otherErrors) in "
          + String(format: "%.1f s", MonotonicClock.now() - start))
      failed = failed || c.otherErrors > 0
    }
    if target == "all" || target == "cli" {
      let binary =
        embed
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("embed").path
      guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw ValidationError("no embed binary at \(binary); build it or pass --embed PATH")
      }
      let cliDir = dir + "/cli"
      try FileManager.default.createDirectory(atPath: cliDir, withIntermediateDirectories: true)
      let start = MonotonicClock.now()
      let c = try CLIFuzz(embed: binary, directory: cliDir, timeLimit: timeLimit).run(
        limit: cliLimit, seed: seed)
      let codes = c.exitCodes.sorted { $0.key < $1.key }.map { "exit \($0.key): \($0.value)" }
      print(
        "cli: runs \(c.runs), \(codes.joined(separator: ", ")), timeouts \(c.timeouts), "
          + "signals \(c.signals.count) in "
          + String(format: "%.1f s", MonotonicClock.now() - start))
      for s in c.signals { print("  \(s)") }
      failed = failed || !c.signals.isEmpty
    }
    if failed { throw ExitCode(1) }
    print("no traps")
  }
}
