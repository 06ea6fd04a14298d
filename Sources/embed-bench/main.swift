import ArgumentParser
import EmbeddingKit

/// The `embed-bench` command: benchmarks of EmbeddingKit's own code.
///
/// Python anchors live in Benchmarks/.
struct EmbedBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed-bench",
    abstract: "Benchmarks of EmbeddingKit (see BENCHMARKS.md for the commands and results).",
    subcommands: [

      // Tokenization
      TokenizerIDs.self,
      TokenizerSpeed.self, WordPieceIDs.self,

      // Word2Vec
      Word2VecBench.self,

      // Word vectors
      VectorsSearchBench.self, VectorsLoadBench.self, VectorsFuzzBench.self,

      // Input embeddings
      InputLayerBench.self,

      // Projection
      PCABench.self, TSNEBench.self, UMAPBench.self,

      // Sentence embeddings
      SentenceEncodeBench.self,

      // Retrieval
      HNSWBench.self,

    ])
}

EmbedBench.main()
