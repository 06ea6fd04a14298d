import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 2: train skip-gram word vectors on the bundled corpus (1M words), write
  /// `<output>/vectors.bin`, and show the nearest neighbours of a few words.
  ///
  /// One thread and a fixed seed: the same vectors, so the same answers, on every run.
  func word2vecStep() throws {
    Terminal.heading("2. Word2Vec: word vectors from 1 million words of text")
    guard
      let corpus = Bundle.module.url(
        forResource: "word2vec-corpus.txt", withExtension: "xz", subdirectory: "Resources")
    else {
      throw EmbeddingError.io(
        path: "Resources/word2vec-corpus.txt.xz", reason: "missing from the embed bundle")
    }
    var config = Word2VecConfiguration(architecture: .skipGram)
    config.dimension = 100
    config.window = 5
    config.negative = 5
    config.sample = 1e-4
    config.minCount = 5
    config.epochs = 5
    config.threads = 1
    config.seed = 1
    let bar = ProgressBar()
    let (vocabulary, stats) = try Word2VecVocabulary.count(
      corpora: [corpus.path], minCount: config.minCount, progress: bar.handler)
    bar.finish()
    print(
      "corpus: \(stats.corpusWords) words (\(corpus.lastPathComponent), see Resources/SOURCES.md); "
        + "vocabulary: \(vocabulary.count) words seen at least \(config.minCount) times")
    print(
      "training skip-gram, \(config.dimension) dimensions, window \(config.window), "
        + "\(config.negative) negative samples, \(config.epochs) epochs, 1 thread (reproducible)")
    let path = (outputDirectory as NSString).appendingPathComponent("vectors.bin")
    print(
      "  = embed train \(corpus.path) -o \(path) --sample 1e-4 --threads 1 --seed 1")
    let model = try Word2Vec(vocabulary: vocabulary, configuration: config)
    let summary = try model.train(corpora: [corpus.path], progress: bar.handler)
    bar.finish()
    let vectors = try model.wordVectors()
    try vectors.write(to: path, format: .word2vecBinary)
    print(
      String(
        format: "trained %d words in %.1f s (%.0f words/s); wrote %@ (%d words × %d)",
        summary.words, summary.seconds, summary.wordsPerSecond, path, vectors.count,
        vectors.dimension))
    print("nearest neighbours (cosine similarity):")
    for word in ["france", "church", "film", "father", "computer"] where vectors.contains(word) {
      let neighbours = try vectors.mostSimilar(to: word, topN: 5)
      let list = neighbours.map { String(format: "%@ %.2f", $0.word, $0.similarity) }
      print(
        "  \(word.padding(toLength: 9, withPad: " ", startingAt: 0)) → \(list.joined(separator: ", "))"
      )
    }
  }
}
