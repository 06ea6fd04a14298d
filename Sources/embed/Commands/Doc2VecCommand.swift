import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed doc2vec train|infer`: paragraph vectors with gensim's options.
struct Doc2VecCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doc2vec",
    abstract: "Train Doc2Vec document vectors (PV-DBOW, PV-DM) and infer vectors for new text.",
    discussion: """
      Option names follow gensim's Doc2Vec (--dm, --vector-size, --dbow-words, --dm-mean, …).

      Examples:
        embed doc2vec train docs.txt -o model.d2v --dm 0 --epochs 20
        embed doc2vec train corpus.jsonl -o model.d2v --id-field _id --text-fields title,text
        embed doc2vec infer --model model.d2v "a new document" "another one"
        embed doc2vec infer --model model.d2v --input queries.txt -o queries.npy
      """,
    subcommands: [Doc2VecTrain.self, Doc2VecInfer.self])
}

/// `embed doc2vec train`.
struct Doc2VecTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a Doc2Vec model on text files (one document per line) or JSON lines.",
    discussion: """
      Plain text: one document per line, tagged by its line number from 0 (gensim's \
      TaggedLineDocument). JSON lines (.jsonl): one object per line, tagged by --id-field, text \
      from --text-fields. Documents with the same tag share one vector. With --threads 1 a run is \
      reproducible bit for bit.
      """)

  @Argument(help: "Corpus files (plain, .gz or .xz; .jsonl for JSON lines).")
  var corpus: [String]

  @Option(name: [.short, .long], help: "Where to write the model.")
  var output: String = "model.d2v"

  @Option(help: "Also write the document vectors (tags as words): .npy (+ .vocab), .txt, .bin.")
  var saveVectors: String?

  @Option(help: "1 = PV-DM, 0 = PV-DBOW.")
  var dm: Int = 1

  @Option(name: [.customLong("vector-size"), .customLong("dim")], help: "Vector dimension.")
  var vectorSize: Int = 100

  @Option(help: "Maximum distance between the predicted word and a context word.")
  var window: Int = 5

  @Option(help: "Ignore words seen fewer times.")
  var minCount: Int = 5

  @Option(help: "Sub-sampling threshold for frequent words (0 = off).")
  var sample: Double = 1e-3

  @Option(help: "Negative samples (0 = off).")
  var negative: Int = 5

  @Option(help: "1 = hierarchical softmax.")
  var hs: Int = 0

  @Option(help: "Passes over the corpus.")
  var epochs: Int = 10

  @Option(help: "Starting learning rate.")
  var alpha: Float = 0.025

  @Option(help: "Final learning rate.")
  var minAlpha: Float = 0.0001

  @Option(help: "With --dm 0: 1 = also train skip-gram word vectors.")
  var dbowWords: Int = 0

  @Option(help: "With --dm 1: 1 = mean of the context, 0 = sum.")
  var dmMean: Int = 1

  @Option(help: "With --dm 1: 1 = concatenate the document and window vectors (slower).")
  var dmConcat: Int = 0

  @Option(help: "Training threads ($EMBEDDINGKIT_THREADS, else the number of cores; 1 = reproducible).")
  var threads: Int = Parallelism.defaultThreads

  @Option(help: "Random seed.")
  var seed: UInt64 = 1

  @Option(help: "Word normalisation: none, lowercase or text8.")
  var normalize: WordSplitter.Normalization = .none

  @Option(help: "JSON lines: the field holding the document id.")
  var idField: String = "_id"

  @Option(help: "JSON lines: the fields holding the text, comma-separated.")
  var textFields: String = "title,text"

  @Flag(help: "Read the corpus as JSON lines whatever its extension.")
  var jsonl = false

  @Flag(help: "No progress bar or summary.")
  var quiet = false

  func run() throws {
    var c = Doc2VecConfiguration()
    c.dm = dm != 0
    c.vectorSize = vectorSize
    c.window = window
    c.minCount = minCount
    c.sample = sample
    c.negative = negative
    c.hs = hs != 0
    c.epochs = epochs
    c.alpha = alpha
    c.minAlpha = minAlpha
    c.dbowWords = dbowWords != 0
    c.dmMean = dmMean != 0
    c.dmConcat = dmConcat != 0
    c.threads = threads
    c.seed = seed
    c.normalization = normalize
    let isJSON =
      jsonl
      || corpus.first.map { $0.hasSuffix(".jsonl") || $0.contains(".jsonl.") }
        ?? false
    let format: DocumentCorpus.Format =
      isJSON
      ? .jsonLines(
        idField: idField, textFields: textFields.split(separator: ",").map(String.init))
      : .lines
    let documents = DocumentCorpus(paths: corpus, format: format)
    let (model, stats) = try Doc2Vec.build(corpus: documents, configuration: c)
    if !quiet {
      Terminal.note(
        "\(stats.documents) documents, \(model.tags.count) tags, \(stats.words) words, "
          + "vocabulary \(model.vocabulary.count)")
      if stats.duplicateTags > 0 {
        Terminal.note("\(stats.duplicateTags) documents repeat an earlier tag (shared vectors)")
      }
    }
    let bar = ProgressBar(quiet: quiet)
    let summary = try model.train(corpus: documents, progress: bar.handler)
    bar.finish()
    try model.save(to: output)
    if let saveVectors {
      let vectors = try model.documentVectors()
      try vectors.write(
        to: saveVectors,
        format: VectorFormat.guess(fromPathExtension: saveVectors) ?? .word2vecText)
    }
    if !quiet {
      let s = summary.statistics
      if s.documentsWithoutKnownWords > 0 {
        Terminal.note("\(s.documentsWithoutKnownWords) documents have no word in the vocabulary")
      }
      if s.longDocuments > 0 {
        Terminal.note("\(s.longDocuments) documents over \(c.maxDocumentWords) words were split")
      }
      Terminal.note(
        String(
          format: "trained %d epochs in %.2f s (read %.2f s): %.0f documents/s, %.0f words/s",
          summary.epochs, summary.seconds, summary.readSeconds, summary.documentsPerSecond,
          summary.wordsPerSecond) + "; wrote \(output)")
    }
  }
}

/// `embed doc2vec infer`.
struct Doc2VecInfer: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infer",
    abstract: "Infer vectors for new texts with a trained Doc2Vec model (gensim's infer_vector).",
    discussion: """
      A text with no word in the model's vocabulary gets a zero vector (counted on stderr). \
      Output: a .npy matrix with -o, else one line of numbers per text.
      """)

  @Argument(help: "Texts (or use --input).")
  var texts: [String] = []

  @Option(help: "The model written by `embed doc2vec train`.")
  var model: String

  @Option(help: "A file of texts, one per line.")
  var input: String?

  @Option(name: [.short, .long], help: "Write the vectors to this .npy file.")
  var output: String?

  @Option(help: "Inference epochs (default: the model's).")
  var epochs: Int?

  @Option(help: "Starting learning rate (default: the model's).")
  var alpha: Float?

  @Option(help: "Final learning rate (default: the model's).")
  var minAlpha: Float?

  @Option(help: "Seed of this inference draw (default: the model's; inference is random).")
  var seed: UInt64?

  @Option(help: "Threads (results do not depend on it).")
  var threads: Int = Parallelism.defaultThreads

  func run() throws {
    var all = texts
    if let input {
      var lines = try String(contentsOfFile: input, encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      if lines.last == "" { lines.removeLast() }
      all += lines
    }
    guard !all.isEmpty else { throw ValidationError("give texts or --input FILE") }
    let d2v = try Doc2Vec.load(from: model)
    let start = MonotonicClock.now()
    let (vectors, known) = try d2v.inferVectors(
      all, epochs: epochs, alpha: alpha, minAlpha: minAlpha, seed: seed, threads: threads)
    let seconds = MonotonicClock.now() - start
    let empty = known.filter { $0 == 0 }.count
    if empty > 0 {
      Terminal.note("\(empty) of \(all.count) texts have no known word (zero vectors)")
    }
    Terminal.note(
      String(
        format: "inferred %d vectors in %.2f s (%.0f texts/s)", all.count, seconds,
        Double(all.count) / max(seconds, 1e-9)))
    if let output {
      try NumpyArrayFile.write(vectors, to: output)
    } else {
      for r in 0..<vectors.rows {
        print(vectors.row(r).map { String(format: "%.6f", $0) }.joined(separator: " "))
      }
    }
  }
}
