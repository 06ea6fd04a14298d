import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed quickstart`: the whole road from text to vectors on the corpus shipped in
/// `Sources/embed/Resources`, in under a minute.
struct Quickstart: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "A tour of EmbeddingKit on a small corpus that ships with it.",
    discussion: """
      Runs each stage of the pipeline and prints what it produced: tokens and token IDs, word \
      vectors trained with Word2Vec and their nearest neighbours, LLM input embeddings, a 2-D \
      plot of a few words, contextual sentence vectors and a small semantic search when a \
      sentence-transformers model is found locally (--model), sentence vectors from the static \
      model shipped with embed, and a retrieval index over 353 fairy-tale paragraphs searched \
      by BM25, by meaning and by both. Output files go to --output \
      (default ./quickstart-output), with a copy of the texts it uses, so every command it \
      prints runs as printed from any folder. The run is seeded and single-threaded: the same \
      answers every time.
      """)

  @Option(help: "Folder for the files the tour writes.")
  var output: String = "quickstart-output"

  @Option(
    help: ArgumentHelp(
      "Sentence-transformers model folder or name for the sentence step (default: look for "
        + "all-MiniLM-L6-v2 under $EMBEDDINGKIT_MODELS and the Hugging Face cache)."))
  var model: String?

  func run() async throws {
    try FileManager.default.createDirectory(
      atPath: output, withIntermediateDirectories: true)
    // Absolute, so the printed commands work from any folder.
    let folder = URL(fileURLWithPath: output).standardizedFileURL.path
    let steps = QuickstartSteps(outputDirectory: folder, sentenceModel: model)
    try await steps.run()
  }
}

/// The steps of the tour.
///
/// Each stage of the pipeline adds one step in its own file
/// (`Quickstart+<Stage>.swift`) and one line here.
struct QuickstartSteps {
  let outputDirectory: String
  var sentenceModel: String? = nil

  func run() async throws {
    Terminal.heading("EmbeddingKit quickstart")
    let start = MonotonicClock.now()
    var seconds: [String] = []
    func timed(_ name: String, _ step: () throws -> Void) rethrows {
      let stepStart = MonotonicClock.now()
      try step()
      seconds.append("\(name) \(String(format: "%.1f", MonotonicClock.now() - stepStart))")
    }

    // 1. text -> tokens -> token IDs
    try timed("tokens") { try tokenizationStep() }

    // 2. Word2Vec training (writes <output>/vectors.bin)
    try timed("word2vec") { try word2vecStep() }

    // 3. queries on the trained and the shipped vectors
    try timed("queries") { try wordVectorsStep() }

    // 4. LLM input embeddings
    try timed("inputs") { try inputEmbeddingsStep() }

    // 5. 2-D plot (writes <output>/plot.svg, plot.html, plot.png)
    try timed("plot") { try plotStep() }

    // 6. sentence embeddings with a transformer (when a model is found locally)
    try timed("sentences") { try sentenceEmbeddingsStep(model: sentenceModel) }

    // 7. sentence embeddings from the shipped static model (no download)
    var encoder: StaticEncoder?
    try timed("static") { encoder = try staticEmbeddingsStep() }

    // 8. retrieval: index shipped documents, bm25 / dense / hybrid (writes <output>/grimm.sqlite)
    if let encoder {
      let retrievalStart = MonotonicClock.now()
      try await retrievalStep(encoder: encoder)
      seconds.append("retrieval \(String(format: "%.1f", MonotonicClock.now() - retrievalStart))")
    }

    print(
      "\nquickstart done in \(String(format: "%.1f", MonotonicClock.now() - start)) s "
        + "(\(seconds.joined(separator: ", ")) s); files in \(outputDirectory)")
  }

}
