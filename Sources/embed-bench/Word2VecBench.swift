import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench word2vec`: training speed of EmbeddingKit's Word2Vec trainer.
struct Word2VecBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "word2vec",
    abstract:
      "Word2Vec training speed: words/s (wall) and words per CPU-second, skip-gram and CBOW.",
    discussion: """
      Counts the vocabulary once, then trains each model from scratch and reports the trainer's
      own wall-clock rate and the rate per CPU-second (robust when other jobs share the machine).
      The side-by-side comparison with gensim, word2vec C and fastText is
      Benchmarks/word2vec_benchmark.py.
      """)

  @Option(help: "Corpus (plain, .gz or .xz).")
  var corpus: String = "../shared/data/corpus/en-words-1m.txt"

  @Option(help: "Comma-separated: skipgram, cbow.")
  var models: String = "skipgram,cbow"

  @Option(help: "Epochs per model.")
  var epochs: Int = 1

  @Option(help: "Worker threads.")
  var threads: Int = 2

  @Option(help: "Vector dimension.")
  var dim: Int = 100

  @Option(help: "Negative samples (0 = off).")
  var negative: Int = 5

  @Flag(help: "Hierarchical softmax too.")
  var hs: Bool = false

  @Option(help: "Sub-sampling threshold.")
  var sample: Double = 1e-4

  /// CPU seconds used by this process so far (all threads).
  static func cpuSeconds() -> Double {
    Double(clock()) / Double(CLOCKS_PER_SEC)
  }

  func run() throws {
    let (vocabulary, stats) = try Word2VecVocabulary.count(corpora: [corpus], minCount: 5)
    print("\(corpus): \(stats.corpusWords) words, vocabulary \(vocabulary.count) (min-count 5)")
    print("model     words/s (wall)  words per CPU-s  loss    seconds")
    for name in models.split(separator: ",") {
      guard let architecture = Word2VecConfiguration.Architecture(rawValue: String(name)) else {
        throw ValidationError("unknown model '\(name)' (skipgram or cbow)")
      }
      var config = Word2VecConfiguration(architecture: architecture)
      config.dimension = dim
      config.negative = negative
      config.hierarchicalSoftmax = hs
      config.sample = sample
      config.epochs = epochs
      config.threads = threads
      let model = try Word2Vec(vocabulary: vocabulary, configuration: config)
      let cpu0 = Self.cpuSeconds()
      let summary = try model.train(corpora: [corpus])
      let cpu = Self.cpuSeconds() - cpu0
      print(
        String(
          format: "%-9@ %14.0f  %15.0f  %.4f  %.2f", String(name), summary.wordsPerSecond,
          Double(summary.words) / cpu, summary.finalLoss, summary.seconds))
    }
  }
}
