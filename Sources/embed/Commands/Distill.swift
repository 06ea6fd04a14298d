import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed distill --model DIR -o static.eks --dim 256`: a static model from a transformer.
struct Distill: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Distil a static embedding model from a sentence transformer (the Model2Vec idea).",
    discussion: """
      Runs every token of the transformer's WordPiece vocabulary through it alone ([CLS] token \
      [SEP], mean-pooled, not normalised), reduces the token vectors to --dim with PCA, \
      divides each axis by its variance^--whiten (our addition: 0 gives Model2Vec's rows), and \
      weights each token by its rank in the vocabulary (Zipf's law): SIF a/(a + p) (default, \
      Model2Vec's), log-rank (zipf) or none. The file (.eks) holds the rows, the weights and \
      the WordPiece vocabulary, so it needs nothing else; --precision int8 stores one byte per \
      value (a quarter of the size; xz-compressed copies load too).

      A text's vector is then the weighted mean of its tokens' rows, normalised: a tokenizer \
      pass and a few additions per token, hundreds of times faster than the transformer. Use it \
      with `embed encode --model FILE.eks` and `embed index add --encoder static --model FILE`.

      Examples:
        embed distill --model all-MiniLM-L6-v2 -o minilm-static.eks
        embed distill --model ~/models/all-MiniLM-L6-v2 -o small.eks --dim 64 --precision int8
      """)

  @Option(
    help: ArgumentHelp(
      "Sentence-transformers model folder or name (looked up under $EMBEDDINGKIT_MODELS and the "
        + "Hugging Face cache).", valueName: "dir-or-name"))
  var model: String

  @Option(name: .shortAndLong, help: "Output static model file (.eks).")
  var output: String

  @Option(help: "Dimensions kept by the PCA (at most the transformer's hidden size).")
  var dim: Int = 256

  @Option(help: "Token weighting: sif, zipf (log rank) or none.")
  var weighting: String = "sif"

  @Option(help: "SIF's constant a (with --weighting sif).")
  var sifA: Double = 1e-4

  @Option(
    help:
      "Partial whitening: divide PCA axis c by variance_c^POWER (0: plain PCA as Model2Vec, 0.5: unit variance)."
  )
  var whiten: Double = 0.25

  @Option(help: "Row precision in the file: float32 or int8.")
  var precision: String = "float32"

  @Option(help: "The transformer's name recorded in the model (default: its folder name).")
  var sourceName: String?

  @Option(help: "Threads (default: all cores).")
  var threads: Int = Parallelism.defaultThreads

  @Option(help: "Token sequences per transformer batch.")
  var batchSize: Int = 256

  @Flag(help: "Keep [unusedN] placeholder tokens (left out by default, as Model2Vec does).")
  var keepUnused = false

  @Flag(help: "No progress bar.")
  var quiet = false

  func run() throws {
    guard let rowPrecision = StaticRowPrecision(rawValue: precision) else {
      throw ValidationError("--precision must be float32 or int8 (got '\(precision)')")
    }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    var options = StaticDistillationOptions()
    options.dimension = dim
    options.weighting = try StaticWeighting(name: weighting, a: sifA)
    options.whitening = whiten
    options.sourceName = sourceName
    options.batchSize = batchSize
    options.threads = threads
    options.removeUnusedTokens = !keepUnused
    try OutputPaths.check([("-o", output)], inputs: [])
    let directory = try ModelLocator.locate(model)
    var encoderOptions = SentenceEncoderOptions()
    encoderOptions.threads = threads
    let encoder = try SentenceEncoder(directory: directory, options: encoderOptions)
    let bar = ProgressBar(quiet: quiet)
    let start = MonotonicClock.now()
    let distilled = try StaticModel.distill(from: encoder, options: options, progress: bar.handler)
    bar.finish()
    try distilled.save(to: output, precision: rowPrecision)
    let seconds = MonotonicClock.now() - start
    let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
    let m = distilled.metadata
    print(
      "distilled \(distilled.rows.rows - m.removedTokens) tokens of \(m.sourceModel) to "
        + "\(distilled.dimension) dims in \(String(format: "%.1f", seconds)) s "
        + "(PCA keeps \(String(format: "%.1f", m.explainedVariance * 100))% of the variance; "
        + "weighting \(m.weighting)); wrote \(output) (\(String(format: "%.1f", Double(bytes) / 1e6)) MB, "
        + "\(rowPrecision.rawValue) rows)")
  }
}
