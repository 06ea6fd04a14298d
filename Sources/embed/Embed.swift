import ArgumentParser

/// The `embed` command line: text → tokens → IDs → embedding vectors.
///
/// The root stays `AsyncParsableCommand` so that a subcommand may be async (a server); every
/// subcommand without an `await` is a plain `ParsableCommand`.
@main
struct Embed: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed",
    abstract: "Turn text into tokens, token IDs and embedding vectors.",
    discussion: """
      Start with `embed quickstart` for a tour on a small corpus that ships with EmbeddingKit. \
      Every subcommand has its own --help with examples and defaults.
      """,
    version: "0.1.0",
    subcommands: [
      Quickstart.self,

      // Tokenization (tokenize, train-bpe)
      Tokenize.self,
      TrainBPE.self,

      // Word2Vec (train)
      Train.self,

      // Word vectors (similar, analogy, evaluate, convert)
      Similar.self, Analogy.self, Evaluate.self, Convert.self,

      // LLM input embeddings (inputs, train-lm)
      Inputs.self, TrainLM.self,

      // Projection (plot)
      Plot.self,

      // Sentence embeddings (encode, similarity)
      Encode.self, Similarity.self,
      // Sentence and document vectors (sif, doc2vec, distill)
      SIF.self, Doc2VecCommand.self, Distill.self,

      // HTTP server (runs the separate embed-server product)
      Serve.self,

      // Retrieval (index add|remove|info, search)
      Index.self, Search.self,

    ]
  )
}
