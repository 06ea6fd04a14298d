import EmbeddingKit
import Foundation
import Retrieval

extension QuickstartSteps {
  /// Step 8: a retrieval index over 353 paragraphs of Grimm's Fairy Stories (shipped, public
  /// domain), embedded with the shipped static model, and three queries answered by BM25 (words),
  /// dense (meaning) and hybrid (both fused) side by side.
  func retrievalStep(encoder: StaticEncoder) async throws {
    Terminal.heading("8. Retrieval: search 353 fairy-tale paragraphs by words and by meaning")
    guard
      let url = Bundle.module.url(
        forResource: "grimm-fairy-stories", withExtension: "jsonl", subdirectory: "Resources")
    else {
      throw EmbeddingError.io(
        path: "Resources/grimm-fairy-stories.jsonl", reason: "missing from the embed bundle")
    }
    let documents = try DocumentFiles.read(paths: [url.path])
    let path = (outputDirectory as NSString).appendingPathComponent("grimm.sqlite")
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: path + suffix)
    }
    let start = MonotonicClock.now()
    let index = try RetrievalIndex(path: path, encoder: encoder, create: true)
    try index.setAttribute("encoder", "static:")
    let summary = try await index.add(documents: documents)
    print(
      "indexed \(documents.count) paragraphs (\(summary.chunksEmbedded) chunks) into \(path) in "
        + "\(String(format: "%.2f", MonotonicClock.now() - start)) s with the shipped static model")
    let queries = [
      "wolf", "a girl meets a wicked beast on her way to her sick grandmother",
      "a man who spins straw into gold",
    ]
    for query in queries {
      print("\"\(query)\"")
      for mode in [SearchMode.bm25, .dense, .hybrid] {
        let hit = try await index.search(query, k: 1, mode: mode).first
        let text = hit.map { Self.excerpt($0.chunk, 64) } ?? "(no match)"
        print(
          "  \(mode.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))"
            + "\(hit?.id ?? "-")  \(text)")
      }
    }
    print("  BM25 needs the words; dense finds the meaning; hybrid fuses both rankings. Try:")
    print("  embed search \(path) \"a frog turns into a prince\" --mode hybrid")
  }

  /// The first `count` characters of `text` on one line, with "…" when cut.
  static func excerpt(_ text: String, _ count: Int) -> String {
    let flat = text.replacingOccurrences(of: "\n", with: " ")
    return flat.count <= count ? flat : String(flat.prefix(count)) + "…"
  }
}
