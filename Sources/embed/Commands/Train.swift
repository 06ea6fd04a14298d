import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed train`: Word2Vec word vectors from text files.
struct Train: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Train Word2Vec word vectors (skip-gram or CBOW) on text files.",
    discussion: """
      Reads plain, .gz or .xz text (words split on whitespace, one sentence per line; lines over \
      10,000 words continue as new sentences), streamed: the corpus is never loaded whole. \
      Option names follow word2vec and fastText (--size, --iter and --epoch are accepted too).

      Examples:
        embed train corpus.txt.xz -o vectors.bin
        embed train part1.txt part2.txt.gz -o vectors.txt --model cbow --dim 200
        embed train corpus.txt -o vectors.bin --save-model model.w2v  # resumable
        embed train more.txt -o vectors.bin --resume model.w2v --epochs 1

      Output format follows the extension of -o: .bin = word2vec binary, .txt = word2vec text, \
      .vec = fastText text (all read by gensim's KeyedVectors.load_word2vec_format).

      With --threads 1 a run is reproducible bit for bit (same --seed, same vectors); with more \
      threads, updates are lock-free (Hogwild) and runs differ slightly.
      """)

  @Argument(help: "Text files to train on (plain, .gz or .xz).")
  var corpus: [String]

  @Option(name: [.short, .long], help: "Where to write the word vectors (.bin, .txt or .vec).")
  var output: String = "vectors.bin"

  @Option(help: "Architecture (skip-gram, as word2vec's -cbow 0, or CBOW).")
  var model: Word2VecConfiguration.Architecture = .skipGram

  @Option(name: [.customLong("dim"), .customLong("size")], help: "Vector dimension.")
  var dim: Int = 100

  @Option(
    name: [.customLong("window"), .customLong("ws")],
    help: "Maximum context window (words on each side).")
  var window: Int = 5

  @Option(
    name: [.customLong("negative"), .customLong("neg")],
    help: "Negative samples per word (0 = off).")
  var negative: Int = 5

  @Flag(help: "Use hierarchical softmax (with --negative 0 alone, otherwise both).")
  var hs: Bool = false

  @Option(
    name: [.customLong("sample"), .customLong("t")],
    help: "Sub-sampling threshold for frequent words (0 = off).")
  var sample: Double = 1e-3

  @Option(
    name: [.customLong("min-count"), .customLong("minCount")],
    help: "Ignore words seen fewer times.")
  var minCount: Int = 5

  @Option(
    help:
      "Prune rare words while counting when more distinct words than this are held (bounded memory; 0 = no limit)."
  )
  var maxVocab: Int = 0

  @Option(
    name: [.customLong("epochs"), .customLong("iter"), .customLong("epoch")],
    help: "Passes over the corpus.")
  var epochs: Int = 5

  @Option(
    name: [.customLong("alpha"), .customLong("lr")],
    help: "Starting learning rate (default: 0.025 skip-gram, 0.05 CBOW).")
  var alpha: Float?

  @Option(help: "Final learning rate (linear decay from --alpha).")
  var minAlpha: Float = 0.0001

  @Flag(help: "CBOW: sum the context vectors instead of averaging them.")
  var cbowSum: Bool = false

  @Option(
    name: [.customLong("threads"), .customLong("thread")],
    help: "Worker threads (default: $EMBEDDINGKIT_THREADS, else the number of cores).")
  var threads: Int?

  @Option(help: "Random seed (with --threads 1 runs are reproducible).")
  var seed: UInt64 = 1

  @Option(help: "Also save the full model (vectors, output weights, counts) here, to resume later.")
  var saveModel: String?

  @Option(
    help:
      "Continue training a model saved with --save-model (its settings are kept; --epochs, --alpha and --threads apply)."
  )
  var resume: String?

  @Flag(help: "No progress bar or summary.")
  var quiet: Bool = false

  func validate() throws {
    if corpus.contains("-") {
      throw ValidationError(
        "standard input cannot be a corpus (it is read once to count words, then once per epoch); save it to a file"
      )
    }
    if maxVocab < 0 {
      throw ValidationError(
        "--max-vocab must be 0 (no limit) or a positive count (got \(maxVocab))")
    }
    if let alpha, !(alpha.isFinite && alpha > 0) {
      throw ValidationError("--alpha must be a positive number (got \(alpha))")
    }
    if !(minAlpha.isFinite && minAlpha >= 0) {
      throw ValidationError("--min-alpha must be a number >= 0 (got \(minAlpha))")
    }
    if !(sample.isFinite && sample >= 0) {
      throw ValidationError("--sample must be a number >= 0 (got \(sample))")
    }
  }

  /// --threads, or the number of cores.
  var threadCount: Int { threads ?? Parallelism.defaultThreads }

  func makeConfiguration() throws -> Word2VecConfiguration {
    var config = Word2VecConfiguration(architecture: model)
    config.dimension = dim
    config.window = window
    config.negative = negative
    config.hierarchicalSoftmax = hs
    config.sample = sample
    config.minCount = minCount
    config.maxVocabulary = maxVocab > 0 ? maxVocab : nil
    config.epochs = epochs
    if let alpha { config.alpha = alpha }
    config.minAlpha = minAlpha
    config.cbowMean = !cbowSum
    config.threads = threadCount
    config.seed = seed
    try config.validate()
    return config
  }

  func run() throws {
    try OutputPaths.check(
      [("-o", output), ("--save-model", saveModel)], inputs: corpus + [resume])
    let bar = ProgressBar(quiet: quiet)
    let trained: Word2Vec
    if let resume {
      let loaded = try Word2Vec.load(from: resume)
      var config = loaded.configuration
      config.threads = threadCount
      config.epochs = epochs
      if let alpha { config.alpha = alpha }
      config.minAlpha = min(minAlpha, config.alpha)
      trained = try loaded.withTrainingSettings(config)
      if !quiet {
        Terminal.note(
          "resuming \(resume): \(trained.vocabulary.count) words, dim \(config.dimension), "
            + "\(loaded.epochsTrained) epochs trained before")
      }
    } else {
      let config = try makeConfiguration()
      let (vocabulary, stats) = try Word2VecVocabulary.count(
        corpora: corpus, minCount: config.minCount, maxVocabulary: config.maxVocabulary,
        progress: bar.handler)
      bar.finish()
      let estimate = Word2Vec.estimateMemory(
        vocabularySize: vocabulary.count, configuration: config)
      if !quiet {
        var notes =
          "vocabulary: \(vocabulary.count) words (min-count \(config.minCount)) of "
          + "\(stats.distinctWords) distinct, \(stats.corpusWords) corpus words"
        if stats.overlongWords > 0 {
          notes += "; \(stats.overlongWords) words over 1,000 bytes skipped"
        }
        if stats.invalidUTF8Words > 0 {
          notes += "; \(stats.invalidUTF8Words) non-UTF-8 words skipped"
        }
        Terminal.note(notes)
        Terminal.note("memory: \(estimate)")
      }
      trained = try Word2Vec(vocabulary: vocabulary, configuration: config)
    }
    // A resumed model may see a new corpus: count its known words for the learning-rate schedule.
    let wordsPerEpoch = resume == nil ? nil : try trained.vocabulary.countKnownWords(in: corpus)
    let summary = try trained.train(
      corpora: corpus, wordsPerEpoch: wordsPerEpoch, progress: bar.handler)
    bar.finish()
    if summary.words != summary.expectedWords {
      Terminal.note(
        "warning: trained \(summary.words) words but the corpus had \(summary.expectedWords) when "
          + "counted; was a corpus file changed during the run?")
    }
    let vectors = try trained.wordVectors()
    let format = VectorFormat.guess(fromPathExtension: output) ?? .word2vecBinary
    try vectors.write(to: output, format: format)
    if let saveModel { try trained.save(to: saveModel) }
    if !quiet {
      let loss = summary.finalLoss.isFinite ? String(format: ", loss %.4f", summary.finalLoss) : ""
      Terminal.note(
        String(
          format: "trained %d words in %.2f s (%.0f words/s)%@; wrote %@ (%d × %d, %@)",
          summary.words, summary.seconds, summary.wordsPerSecond, loss, output, vectors.count,
          vectors.dimension, format.rawValue)
          + (saveModel.map { "; model: \($0)" } ?? ""))
    }
  }
}
