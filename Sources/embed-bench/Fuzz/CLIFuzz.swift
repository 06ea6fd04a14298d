import EmbeddingKit
import Foundation

/// Runs the `embed` binary with extreme values of its numeric options. The exit status must
/// never be a signal (a trap is SIGILL/SIGTRAP, an abort SIGABRT); runs longer than the time
/// limit are stopped and counted apart (a huge but valid setting may just take long).
struct CLIFuzz {
  let embed: String
  let directory: String
  let timeLimit: Double

  /// Extreme values for numeric options.
  static let values = [
    "0", "-1", "1", "2", "1e30", "-1e30", "nan", "inf", "-inf", "1e-45", "99999999999999999999",
    "2147483648", "9223372036854775807", "0.5", "abc", "",
  ]

  /// (arguments before the option, option) for every numeric option of every command.
  func cases() -> [([String], String)] {
    let corpus = directory + "/corpus.txt"
    let vectors = directory + "/vectors.txt"
    let text = directory + "/text.txt"
    let out = directory + "/out"
    let train = ["train", corpus, "-o", out + ".bin", "--quiet"]
    let similar = ["similar", "fox", "--vectors", vectors]
    let analogy = ["analogy", "fox", "-", "dog", "+", "cat", "--vectors", vectors]
    let inputs = ["inputs", "-f", text]
    let trainLM = ["train-lm", text, "--output", out + ".txt", "--quiet"]
    let plot = ["plot", vectors, "-o", out + ".svg"]
    var list: [([String], String)] = []
    for o in [
      "--dim", "--window", "--negative", "--epochs", "--alpha", "--min-alpha", "--sample",
      "--min-count", "--threads", "--max-vocab", "--seed",
    ] {
      list.append((train, o))
    }
    for o in ["--top", "--restrict", "--limit"] { list.append((similar, o)) }
    for o in ["--top", "--restrict"] { list.append((analogy, o)) }
    for o in ["--max-length", "--stride", "--batch", "--dim", "--std", "--seed"] {
      list.append((inputs, o))
    }
    for o in [
      "--max-bytes", "--context", "--stride", "--batch", "--dim", "--epochs", "--steps-per-epoch",
      "--validation", "--vocab-limit", "--lr", "--weight-decay", "--std", "--eval-every",
    ] {
      list.append((trainLM, o))
    }
    for o in [
      "--top", "--perplexity", "--iterations", "--theta", "--umap-neighbours", "--min-distance",
      "--threads", "--neighbours", "--width", "--height",
    ] {
      list.append((plot, o))
    }
    list.append((["train-bpe", text, "-o", out + ".tiktoken"], "--vocab-size"))
    list.append((["train-bpe", text, "-o", out + ".tiktoken"], "--min-pair-count"))
    list.append((["tokenize", "--decode", "--encoding", "gpt2"], "--"))
    return list
  }

  /// Writes the small inputs the commands read.
  func prepare() throws {
    var text = ""
    let words = ["the", "fox", "dog", "cat", "runs", "sleeps", "a", "big", "small", "red"]
    var rng = SeededGenerator(seed: 3)
    for _ in 0..<300 {
      text +=
        (0..<10).map { _ in words[Int(rng.next() % UInt64(words.count))] }
        .joined(separator: " ") + "\n"
    }
    try text.write(toFile: directory + "/corpus.txt", atomically: true, encoding: .utf8)
    try text.write(toFile: directory + "/text.txt", atomically: true, encoding: .utf8)
    let matrix = Matrix(
      rows: words.count, columns: 6, values: (0..<(words.count * 6)).map { _ in rng.nextFloat() })
    try WordVectors(words: words, matrix: matrix).write(
      to: directory + "/vectors.txt", format: .word2vecText)
  }

  /// Result counts.
  struct Counts {
    var runs = 0
    var exitCodes: [Int32: Int] = [:]
    var timeouts = 0
    var signals: [String] = []
  }

  /// Runs every case, or a seeded random sample of `limit` cases.
  func run(limit: Int?, seed: UInt64) throws -> Counts {
    try prepare()
    var counts = Counts()
    var all: [[String]] = []
    for (prefix, option) in cases() {
      for value in Self.values {
        // `tokenize --decode` takes the IDs as its argument: an extreme ID.
        all.append(option == "--" ? prefix + ["--", value] : prefix + [option, value])
      }
    }
    if let limit, limit < all.count {
      var rng = SeededGenerator(seed: seed)
      for i in stride(from: all.count - 1, to: 0, by: -1) {
        all.swapAt(i, Int(rng.next() % UInt64(i + 1)))
      }
      all = Array(all.prefix(limit))
    }
    for arguments in all {
      counts.runs += 1
      let process = Process()
      process.executableURL = URL(fileURLWithPath: embed)
      process.arguments = arguments
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      process.standardInput = FileHandle.nullDevice
      process.currentDirectoryURL = URL(fileURLWithPath: directory)
      try process.run()
      let deadline = Date().addingTimeInterval(timeLimit)
      var stopped = false
      while process.isRunning {
        if Date() > deadline {
          stopped = true
          process.terminate()
        }
        usleep(5_000)
      }
      if stopped {
        counts.timeouts += 1
      } else if process.terminationReason == .uncaughtSignal {
        counts.signals.append(
          "signal \(process.terminationStatus): embed \(arguments.joined(separator: " "))")
      } else {
        counts.exitCodes[process.terminationStatus, default: 0] += 1
      }
    }
    return counts
  }
}
