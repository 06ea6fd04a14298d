import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 6: contextual sentence vectors, when a sentence-transformers model is found locally.
  ///
  /// Shows that "bank" by a river and "bank" for money get different vectors (unlike a word
  /// vector), then a small semantic search. Without a model, says how to add one and goes on.
  func sentenceEmbeddingsStep(model name: String?) throws {
    Terminal.heading("6. Sentence embeddings (a transformer, all-MiniLM-L6-v2)")
    let directory: String
    do {
      directory = try ModelLocator.locate(name ?? "all-MiniLM-L6-v2")
    } catch {
      print("No sentence-transformers model found, so this step is skipped.")
      print("\(error)")
      print("Then run: embed quickstart --model /path/to/all-MiniLM-L6-v2")
      return
    }
    let encoder = try SentenceEncoder(directory: directory)
    print("model: \(directory) (\(encoder.dimension) dims, \(encoder.descriptor.pooling) pooling)")
    let river = "We sat on the bank of the river and watched the water."
    let money = "I need to go to the bank to deposit some money."
    let vectors = try encoder.encode([river, money, "The river bank was muddy."], role: .plain)
    func cosine(_ i: Int, _ j: Int) -> Float {
      VectorKernels.dot(vectors.rowPointer(i), vectors.rowPointer(j), vectors.columns)
    }
    print("\"bank\" in two contexts: cosine(river bank, money bank) = \(format(cosine(0, 1)))")
    print(
      "  the same sense again:    cosine(river bank, muddy river bank) = \(format(cosine(0, 2)))")
    let documents = [
      "The cat sleeps on the warm windowsill.", "Stocks fell sharply after the bank report.",
      "A recipe for fresh tomato soup with basil.", "The goalkeeper saved a penalty in the final.",
      "Photosynthesis turns sunlight into chemical energy in plants.",
      "The new phone has a faster processor and a better camera.",
      "Heavy rain flooded the streets of the old town.", "She practises the violin every evening.",
      "Interest rates were raised by the central bank.", "The hikers reached the summit at dawn.",
      "Vaccines train the immune system to recognise viruses.",
      "The library extended its opening hours for students.",
    ]
    let docs = try encoder.encode(documents, role: .passage)
    for query in ["how do plants make energy", "monetary policy", "football match"] {
      let q = try encoder.encode([query], role: .query)
      let scored = (0..<docs.rows).map {
        (VectorKernels.dot(q.rowPointer(0), docs.rowPointer($0), docs.columns), $0)
      }.sorted { $0.0 > $1.0 }
      print("search \"\(query)\":")
      for (score, i) in scored.prefix(2) { print("  \(format(score))  \(documents[i])") }
    }
  }

  private func format(_ x: Float) -> String { String(format: "%.3f", x) }
}
