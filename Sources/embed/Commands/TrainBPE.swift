import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed train-bpe`: learn a byte-level BPE vocabulary and save it as a .tiktoken file.
struct TrainBPE: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-bpe",
    abstract: "Learn a byte-level BPE vocabulary from text; save it as a .tiktoken file.",
    discussion: """
      The text is cut into pieces with the GPT-2 or cl100k pre-tokenizer, then the most \
      frequent adjacent pair of tokens is merged into a new token until the vocabulary has \
      --vocab-size tokens (the first 256 are the single bytes). The output is OpenAI's \
      .tiktoken format (base64 token, space, rank), which `embed tokenize --vocab` and \
      Python's tiktoken (tiktoken.load.load_tiktoken_bpe) both read. A text that yields no \
      merge at all (empty, or no pair seen --min-pair-count times) is an error and writes \
      nothing.

      Examples:
        embed train-bpe corpus.txt --vocab-size 8192 -o mine.tiktoken
        embed train-bpe corpus.txt.xz --vocab-size 32000 --pattern cl100k \\
          -o mine.tiktoken
        embed tokenize --vocab mine.tiktoken --pattern gpt2 --tokens "Some new text"
      """)

  @Argument(help: "Training text (plain, .gz or .xz; '-' = standard input).")
  var file: String

  @Option(help: "Tokens in the vocabulary, the 256 single bytes included.")
  var vocabSize: Int = 8192

  @Option(help: "Pre-tokenizer.")
  var pattern: PreTokenizer = .gpt2

  @Option(name: [.short, .customLong("output")], help: "The .tiktoken file to write.")
  var output: String = "bpe.tiktoken"

  @Option(help: "Stop early when the most frequent pair occurs fewer times than this (>= 1).")
  var minPairCount: Int = 2

  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    guard vocabSize >= 256 else {
      throw ValidationError("--vocab-size must be at least 256 (the single bytes)")
    }
    guard minPairCount >= 1 else {
      throw ValidationError("--min-pair-count must be at least 1 (got \(minPairCount))")
    }
  }

  func run() throws {
    try OutputPaths.check([("-o", output)], inputs: [file])
    let trainer = BytePairTrainer(
      vocabularySize: vocabSize, preTokenizer: pattern, minimumPairCount: minPairCount)
    let bar = ProgressBar(quiet: quiet)
    let start = MonotonicClock.now()
    let ranks = try trainer.train(path: file, progress: bar.handler)
    bar.finish()
    guard ranks.count > 256 else {
      throw ValidationError(
        "no merge learned from \(file): it is empty, or no pair of tokens occurs "
          + "\(minPairCount) times or more; nothing written (use more text or --min-pair-count 1)")
    }
    try TiktokenFile.write(ranks, to: output)
    let seconds = MonotonicClock.now() - start
    print(
      "learned \(ranks.count - 256) merges (\(ranks.count) tokens) in \(String(format: "%.1f", seconds)) s; wrote \(output)"
    )
    if ranks.count < vocabSize {
      print(
        "stopped early: no pair occurs \(minPairCount) times or more (use more text or --min-pair-count 1)"
      )
    }
    let longest = ranks.sorted { $0.bytes.count > $1.bytes.count }.prefix(8)
    print("longest tokens: " + longest.map { Tokenize.quoted($0.bytes) }.joined(separator: " "))
    print(
      "use it: embed tokenize --vocab \(output) --pattern \(pattern.rawValue) --tokens \"some text\""
    )
  }
}
