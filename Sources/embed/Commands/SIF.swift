import ArgumentParser
import EmbeddingKit
import Foundation

extension WordSplitter.Normalization: ExpressibleByArgument {}

/// `embed sif fit|encode`: sentence vectors from word vectors (SIF or mean pooling).
struct SIF: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sif",
    abstract: "Sentence vectors from word vectors: SIF (Arora et al. 2017) or mean pooling.",
    discussion: """
      `fit` computes SIF's word weights a/(a + p(w)) and the common component on a corpus and \
      saves them; `encode` turns texts into vectors with a fitted model.

      Examples:
        embed sif fit --vectors vectors.bin corpus.txt.xz -o sif.model --normalize text8
        embed sif encode --model sif.model "a man is dancing" "someone dances"
        embed sif encode --model sif.model --input sentences.txt -o vectors.npy
        embed sif encode --model sif.model --mean --input sentences.txt -o mean.npy
      """,
    subcommands: [SIFFit.self, SIFEncode.self])
}

/// `embed sif fit`.
struct SIFFit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit SIF weights and the common component on a corpus (one sentence per line).")

  @Argument(help: "Text files (plain, .gz or .xz), one sentence or document per line.")
  var corpus: [String]

  @Option(help: "The word-vectors file (any format `embed similar` reads).")
  var vectors: String

  @Option(name: [.short, .long], help: "Where to write the SIF model.")
  var output: String = "sif.model"

  @Option(help: "Word normalisation, as the vectors were trained: none, lowercase or text8.")
  var normalize: WordSplitter.Normalization = .none

  @Option(help: "SIF's smoothing constant a.")
  var a: Double = 1e-3

  @Option(help: "Corpus lines used to find the common component (0 = remove none).")
  var maxLines: Int = 100_000

  func run() throws {
    let wordVectors = try WordVectors.load(contentsOf: vectors)
    let start = Date()
    let model = try SIFModel.fit(
      vectors: wordVectors, corpora: corpus, a: a, normalization: normalize, maxLines: maxLines,
      vectorsPath: URL(fileURLWithPath: vectors).standardizedFileURL.path)
    try model.save(to: output)
    let seconds = Date().timeIntervalSince(start)
    Terminal.note(
      "fitted on \(model.corpusWords) words, component from \(model.componentLines) lines "
        + "in \(String(format: "%.1f", seconds)) s; wrote \(output)")
  }
}

/// `embed sif encode`.
struct SIFEncode: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "encode",
    abstract: "Encode texts with a fitted SIF model (or plain mean pooling with --mean).",
    discussion: """
      Texts come from the arguments or from --input (one per line). A text with no known word \
      gets a zero vector; their count is reported on stderr. Output: a .npy matrix with -o, \
      otherwise one line of numbers per text on stdout.
      """)

  @Argument(help: "Texts to encode (or use --input).")
  var texts: [String] = []

  @Option(help: "The SIF model written by `embed sif fit`.")
  var model: String

  @Option(help: "Word vectors to use (default: the file the model was fitted on).")
  var vectors: String?

  @Option(help: "A file of texts, one per line.")
  var input: String?

  @Option(name: [.short, .long], help: "Write the vectors to this .npy file.")
  var output: String?

  @Flag(help: "Mean pooling of the same vectors and words, instead of SIF.")
  var mean = false

  @Flag(help: "Keep raw (not unit-length) vectors.")
  var raw = false

  func run() throws {
    var all = texts
    if let input {
      let content = try String(contentsOfFile: input, encoding: .utf8)
      var lines = content.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.last == "" { lines.removeLast() }
      all += lines
    }
    guard !all.isEmpty else { throw ValidationError("give texts or --input FILE") }
    var encoder = try PooledWordEncoder.loadSIF(model: model, vectors: vectors, mean: mean)
    if raw {
      encoder =
        mean
        ? PooledWordEncoder(
          vectors: encoder.vectors, splitter: encoder.splitter, normalize: false,
          name: encoder.descriptor.name)
        : try PooledWordEncoder(
          vectors: encoder.vectors, sif: SIFModel.load(from: model), normalize: false,
          name: encoder.descriptor.name)
    }
    let result = encoder.encodeWithCoverage(all)
    let empty = result.textsWithoutKnownWords.count
    if empty > 0 {
      Terminal.note("\(empty) of \(all.count) texts have no known word (zero vectors)")
    }
    if let output {
      try NumpyArrayFile.write(result.vectors, to: output)
    } else {
      for r in 0..<result.vectors.rows {
        print(result.vectors.row(r).map { String(format: "%.6f", $0) }.joined(separator: " "))
      }
    }
  }
}
