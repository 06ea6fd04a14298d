import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// The vectors shipped in Resources: skip-gram trained by `embed train` on the whole
  /// 16.7M-word benchmark corpus, its 10,000 most frequent words plus the words the tour
  /// names (see Resources/SOURCES.md for the command).
  func shippedVectors() throws -> (vectors: WordVectors, path: String) {
    guard
      let url = Bundle.module.url(
        forResource: "word2vec-en-vectors.bin", withExtension: "xz", subdirectory: "Resources")
    else {
      throw EmbeddingError.io(
        path: "Resources/word2vec-en-vectors.bin.xz", reason: "missing from the embed bundle")
    }
    return (try WordVectors.load(contentsOf: url.path), url.path)
  }

  /// Step 3: nearest neighbours and an analogy, first on the vectors the Word2Vec step trained,
  /// then on the shipped vectors trained on 17 times more text; then the native format,
  /// reopened memory-mapped.
  func wordVectorsStep() throws {
    Terminal.heading("3. Word vectors: neighbours and analogies")
    let path = (outputDirectory as NSString).appendingPathComponent("vectors.bin")
    guard FileManager.default.fileExists(atPath: path) else {
      print("(no \(path): the Word2Vec step writes it; run the whole quickstart)")
      return
    }
    let small = try WordVectors.load(contentsOf: path)
    let (large, largePath) = try shippedVectors()
    let probes = ["woman", "man", "king"]
    let analogy = (positive: ["king", "woman"], negative: ["man"])
    for (title, wv) in [
      ("the vectors you just trained (1M words)", small),
      ("the shipped vectors (trained the same way on 16.7M words)", large),
    ] {
      print("\(title), \(wv.count) words × \(wv.dimension):")
      let present = probes.filter(wv.contains)
      let answers = try wv.mostSimilar(batch: present.map { ([$0], []) }, topN: 5)
      for (word, neighbours) in zip(present, answers) {
        print("  nearest to \(word): \(Self.list(neighbours))")
      }
      guard (analogy.positive + analogy.negative).allSatisfy(wv.contains) else { continue }
      let ranked = try wv.mostSimilar(
        positive: analogy.positive, negative: analogy.negative, topN: 10)
      let rank = ranked.firstIndex { $0.word == "queen" }.map { "queen is #\($0 + 1)" }
      print(
        "  king - man + woman ≈ \(Self.list(Array(ranked.prefix(3))))   "
          + "(\(rank ?? "queen is not in the top 10"))")
    }
    print("  more text, better vectors: the book's example needs millions of words.")
    let group = ["paris", "london", "rome", "eagle"]
    if group.allSatisfy(large.contains), let odd = try? large.doesntMatch(group) {
      print("doesn't match among \(group.joined(separator: ", ")): \(odd)")
    }
    let native = (outputDirectory as NSString).appendingPathComponent("vectors.ekv")
    try small.write(to: native, format: .native)
    let start = MonotonicClock.now()
    let mapped = try WordVectors.load(contentsOf: native)
    let openMs = (MonotonicClock.now() - start) * 1000
    print(
      "wrote \(native) (native format) and reopened it memory-mapped in "
        + "\(String(format: "%.2f", openMs)) ms (\(mapped.count) words). Try:")
    print("  embed similar woman --vectors \(native)")
    print("  embed analogy king - man + woman --vectors \(largePath)")
  }

  /// "queen (0.71), princess (0.65)".
  static func list(_ neighbours: [Neighbour]) -> String {
    neighbours.map { "\($0.word) (\(String(format: "%.2f", $0.similarity)))" }
      .joined(separator: ", ")
  }
}
