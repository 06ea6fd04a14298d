import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 7: sentence vectors without a transformer: the static model shipped with embed
  /// (distilled from all-MiniLM-L6-v2) searches a few dozen sentences by meaning.
  func staticEmbeddingsStep() throws -> StaticEncoder {
    Terminal.heading("7. Sentence embeddings without a transformer (shipped static model)")
    let start = MonotonicClock.now()
    let encoder = try ShippedStaticModel.encoder()
    let loadSeconds = MonotonicClock.now() - start
    let m = encoder.model
    print(
      "\(ShippedStaticModel.fileName): distilled from \(m.metadata.sourceModel) by "
        + "`embed distill`, \(m.rows.rows) tokens × \(m.dimension) dims, loaded in "
        + "\(String(format: "%.2f", loadSeconds)) s")
    let encodeStart = MonotonicClock.now()
    let docs = try encoder.encode(Self.sentences, role: .passage)
    let queries = [
      "how do plants make food", "a pet that purrs", "the price of money", "learning to play music",
    ]
    let q = try encoder.encode(queries, role: .query)
    let encodeMs = (MonotonicClock.now() - encodeStart) * 1000
    print(
      "search \(Self.sentences.count) sentences by meaning (encoded with the queries in "
        + "\(String(format: "%.1f", encodeMs)) ms):")
    for (i, query) in queries.enumerated() {
      let best = (0..<docs.rows).max {
        VectorKernels.dot(q.rowPointer(i), docs.rowPointer($0), docs.columns)
          < VectorKernels.dot(q.rowPointer(i), docs.rowPointer($1), docs.columns)
      }
      guard let best else { continue }
      let score = VectorKernels.dot(q.rowPointer(i), docs.rowPointer(best), docs.columns)
      print(
        "  \"\(query)\"".padding(toLength: 30, withPad: " ", startingAt: 0)
          + "\(String(format: "%.2f", score))  \(Self.sentences[best])")
    }
    print("  Try: embed similarity \"A man plays guitar.\" \"Someone makes music.\"")
    return encoder
  }

  /// The sentences searched in step 7.
  static let sentences = [
    "Photosynthesis turns sunlight into chemical energy in plants.",
    "The cat curled up on the sofa and fell asleep.",
    "Interest rates were raised by the central bank.", "She practises the violin every evening.",
    "The hikers reached the summit at dawn.", "Vaccines train the immune system.",
    "Heavy rain flooded the streets of the old town.", "The goalkeeper saved a penalty.",
    "A recipe for tomato soup with fresh basil.", "The new phone has a faster processor.",
    "The library extended its opening hours for students.", "Inflation eroded people's savings.",
    "The orchestra rehearsed the symphony all afternoon.", "Leaves absorb light to grow.",
    "The dog barked at the postman.", "A kitten chased a ball of wool.",
    "The stock market fell sharply on Monday.", "He learned guitar chords from online videos.",
    "The bridge was closed for repairs.", "Volcanoes release ash and lava when they erupt.",
    "The chef sharpened her knives before service.", "Bees carry pollen from flower to flower.",
    "The team celebrated winning the championship.", "The train to Paris was delayed by snow.",
    "Children built a sandcastle on the beach.", "The judge postponed the trial.",
    "A telescope revealed distant galaxies.", "The bakery sells fresh bread every morning.",
    "Solar panels were installed on the school roof.", "The museum opened a new exhibition.",
    "Doctors recommend sleeping eight hours a night.", "The river froze during the cold winter.",
    "The pianist played a piece by Chopin.", "Farmers harvested the wheat in August.",
    "The company reported record profits.", "A parrot can learn to imitate words.",
  ]
}
