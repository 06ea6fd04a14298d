import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench tokenizer-speed`: encode throughput on the first N MB of a corpus, one thread (the
/// whole text in one call) and batched over documents (lines) on several threads.
///
/// Prints one JSON object per encoding; `Benchmarks/tokenizer_speed.py` runs it beside tiktoken and
/// fastokens on the same bytes.
struct TokenizerSpeed: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenizer-speed",
    abstract: "Encode throughput (MB/s) on one thread and batched, per encoding.")

  @Option(help: "Corpus (plain, .gz or .xz).")
  var input: String = "../shared/data/corpus/en-raw.txt.xz"

  @Option(help: "Megabytes (10^6 bytes) to take from the start of the corpus, cut at a line end.")
  var megabytes: Double = 20

  @Option(help: "Comma-separated encodings.")
  var encodings: String = "gpt2,cl100k_base,o200k_base"

  @Option(help: "Threads for the batch measurement.")
  var threads: Int = 2

  @Option(help: "Timed repetitions; the best is reported.")
  var repeats: Int = 3

  @Flag(help: "Only the one-thread encode of the whole text (for A/B runs of two builds).")
  var singleOnly = false

  func run() throws {
    let text = try Self.prefix(of: input, bytes: Int(megabytes * 1e6))
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      String($0) + "\n"
    }
    let megabytesRead = Double(text.utf8.count) / 1e6
    for name in encodings.split(separator: ",") {
      guard let encodingName = EncodingName(rawValue: String(name)) else {
        throw ValidationError("unknown encoding \(name)")
      }
      let encoder = try BytePairEncoder.named(encodingName)
      _ = encoder.encodeOrdinary(String(text.prefix(100_000)))  // warm up
      var best = Double.infinity
      var bestCPU = Double.infinity
      var first = 0.0
      var tokens = 0
      for attempt in 0..<repeats {
        let start = MonotonicClock.now()
        let startCPU = Self.threadCPUTime()
        tokens = encoder.encodeOrdinary(text).count
        let seconds = MonotonicClock.now() - start
        if attempt == 0 { first = seconds }
        best = min(best, seconds)
        bestCPU = min(bestCPU, Self.threadCPUTime() - startCPU)
      }
      if singleOnly {
        print(
          """
          {"tool": "EmbeddingKit", "encoding": "\(name)", "megabytes": \(megabytesRead), \
          "tokens": \(tokens), "mb_per_s": \(megabytesRead / best), \
          "cpu_mb_per_s": \(megabytesRead / bestCPU)}
          """)
        continue
      }
      // The whole text in one call split over `threads` threads (`encodeOrdinary(_:threads:)`).
      var bestSplit = Double.infinity
      var splitTokens = 0
      for _ in 0..<repeats {
        let start = MonotonicClock.now()
        splitTokens = encoder.encodeOrdinary(text, threads: threads).count
        bestSplit = min(bestSplit, MonotonicClock.now() - start)
      }
      // The same batch on `threads` threads and on one, alternated: their ratio is the speed-up.
      var bestBatch = Double.infinity
      var bestBatch1 = Double.infinity
      var batchTokens = 0
      // Each repeat's one-thread time over its many-thread time: on a VM whose speed drifts,
      // the best of each can come from different moments, and a pair run back to back cannot.
      var pairRatios: [Double] = []
      for _ in 0..<repeats {
        var pair = (many: 0.0, one: 0.0)
        for workers in [threads, 1] {
          let start = MonotonicClock.now()
          let batch = try encoder.encodeBatch(lines, disallowedSpecial: .none, threads: workers)
          let seconds = MonotonicClock.now() - start
          if workers == threads { bestBatch = min(bestBatch, seconds) }
          if workers == 1 { bestBatch1 = min(bestBatch1, seconds) }
          if workers == 1 { pair.one = seconds } else { pair.many = seconds }
          batchTokens = batch.reduce(0) { $0 + $1.count }
        }
        pairRatios.append(pair.one / pair.many)
      }
      print(
        """
        {"tool": "EmbeddingKit", "encoding": "\(name)", "megabytes": \(megabytesRead), \
        "tokens": \(tokens), "seconds": \(best), "mb_per_s": \(megabytesRead / best), \
        "cpu_mb_per_s": \(megabytesRead / bestCPU), "first_mb_per_s": \(megabytesRead / first), \
        "batch_threads": \(threads), "batch_tokens": \(batchTokens), \
        "batch_mb_per_s": \(megabytesRead / bestBatch), \
        "batch1_mb_per_s": \(megabytesRead / bestBatch1), "lines": \(lines.count), \
        "batch_pair_ratios": \(pairRatios), \
        "split_tokens": \(splitTokens), "split_mb_per_s": \(megabytesRead / bestSplit)}
        """)
    }
  }

  /// CPU seconds used by the calling thread (robust to other processes' load).
  static func threadCPUTime() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
  }

  /// The first `bytes` bytes of a file, extended to the end of the line.
  static func prefix(of path: String, bytes: Int) throws -> String {
    let stream = try ByteStream(path: path)
    var data: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while data.count < bytes {
      let n = try stream.read(into: &chunk)
      if n == 0 { break }
      data.append(contentsOf: chunk[0..<n])
    }
    if data.count > bytes, let newline = data[bytes...].firstIndex(of: 0x0A) {
      data.removeSubrange((newline + 1)...)
    }
    return String(decoding: data, as: UTF8.self)
  }
}
