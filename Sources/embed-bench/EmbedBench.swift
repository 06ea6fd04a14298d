import ArgumentParser
import EmbeddingKit

/// The `embed-bench` command: benchmarks of EmbeddingKit's own code.
///
/// Python anchors live in Benchmarks/.
@main
struct EmbedBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed-bench",
    abstract: "Benchmarks of EmbeddingKit (see BENCHMARKS.md for the commands and results).",
    subcommands: [

      // Tokenization
      TokenizerIDs.self,
      TokenizerSpeed.self, WordPieceIDs.self,

      // Word2Vec
      Word2VecBench.self, DimensionsBench.self, LineChartBench.self,

      // Word vectors
      VectorsSearchBench.self, VectorsLoadBench.self, VectorsFuzzBench.self, FuzzBench.self,

      // Input embeddings
      InputLayerBench.self,

      // Matrix products
      GemmBench.self, GemmErrorBench.self,

      // Projection
      PCABench.self, TSNEBench.self, UMAPBench.self,

      // Sentence embeddings
      SentenceEncodeBench.self,
      // Retrieval
      HNSWBench.self,
      StoreBench.self,

    ])
}
