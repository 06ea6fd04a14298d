import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 3: nearest neighbours and an analogy on the vectors the Word2Vec step trained,
  /// then the same vectors in the native format, reopened memory-mapped.
  func wordVectorsStep() throws {
    Terminal.heading("3. Word vectors: neighbours and analogies")
    let path = (outputDirectory as NSString).appendingPathComponent("vectors.bin")
    guard FileManager.default.fileExists(atPath: path) else {
      print("(no \(path): the Word2Vec step writes it; run the whole quickstart)")
      return
    }
    let wv = try WordVectors.load(contentsOf: path)
    print("loaded \(path): \(wv.count) words × \(wv.dimension) dimensions")
    // Common words first; otherwise frequent words past the first few dozen function words.
    let preferred = [
      "man", "woman", "king", "house", "day", "time", "good", "water", "money", "said",
    ]
    var probes = preferred.filter { wv.contains($0) }.prefix(3).map { $0 }
    if probes.count < 3 {
      probes += (min(40, wv.count)..<min(60, wv.count)).prefix(3 - probes.count).map {
        wv.word(at: $0)
      }
    }
    let answers = try wv.mostSimilar(batch: probes.map { ([$0], []) }, topN: 5)
    for (word, neighbours) in zip(probes, answers) {
      let list = neighbours.map { "\($0.word) (\(String(format: "%.2f", $0.similarity)))" }
      print("nearest to \(word): \(list.joined(separator: ", "))")
    }
    let triples = [["king", "man", "woman"], ["he", "his", "her"], ["good", "better", "bad"]]
    if let t = triples.first(where: { $0.allSatisfy(wv.contains) }) {
      let answer = try wv.mostSimilar(positive: [t[0], t[2]], negative: [t[1]], topN: 3)
      print(
        "\(t[0]) - \(t[1]) + \(t[2]) ≈ \(answer.map { "\($0.word) (\(String(format: "%.2f", $0.similarity)))" }.joined(separator: ", "))"
      )
    }
    let outsider =
      ["water", "money", "tree", "car", "city"].first { wv.contains($0) && !probes.contains($0) }
      ?? wv.word(at: min(100, wv.count - 1))
    let group = probes + [outsider]
    if let odd = try? wv.doesntMatch(group) {
      print("doesn't match among \(group.joined(separator: ", ")): \(odd)")
    }
    let native = (outputDirectory as NSString).appendingPathComponent("vectors.ekv")
    try wv.write(to: native, format: .native)
    let start = MonotonicClock.now()
    let mapped = try WordVectors.load(contentsOf: native)
    let openMs = (MonotonicClock.now() - start) * 1000
    print(
      "wrote \(native) (native format) and reopened it memory-mapped in \(String(format: "%.2f", openMs)) ms "
        + "(\(mapped.count) words); try: embed similar \(probes.first ?? "word") --vectors \(native)"
    )
  }
}
