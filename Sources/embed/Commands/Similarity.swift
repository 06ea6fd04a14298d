import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed similarity --model DIR "text a" "text b" …`: the cosine matrix of sentence vectors.
struct Similarity: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the cosine similarity of every pair of texts under a sentence encoder.",
    discussion: """
      Encodes the texts with a sentence-transformers model (BERT family, e.g. all-MiniLM-L6-v2) \
      or a static model (.eks; without --model, the one shipped with embed) and prints their \
      cosine similarity matrix.

      Examples:
        embed similarity "A man plays guitar." "Someone makes music."
        embed similarity --model all-MiniLM-L6-v2 "A man plays guitar." "Someone makes music."
        embed similarity --model ./bge-small --role query "how do plants eat" "photosynthesis" --json
      """)

  @Argument(help: "Two or more texts.")
  var texts: [String]

  @OptionGroup var model: SentenceModelOptions

  @Flag(help: "Print JSON ({\"texts\": [...], \"cosine\": [[...]]}).")
  var json = false

  func validate() throws {
    guard texts.count >= 2 else { throw ValidationError("give at least two texts") }
  }

  func run() throws {
    let encoder = try model.loadEncoder().encoder
    let vectors = try encoder.encode(texts, role: try model.textRole())
    let matrix = Self.cosines(vectors)
    if json {
      try printJSON(CosineMatrixJSON(texts: texts, cosine: matrix.map { $0.map(Double.init) }))
      return
    }
    let labels = texts.enumerated().map { "[\($0.offset + 1)]" }
    for (label, text) in zip(labels, texts) { print("\(label) \(text)") }
    print("\n     " + labels.map { $0.padding(toLength: 7, withPad: " ", startingAt: 0) }.joined())
    for (i, row) in matrix.enumerated() {
      let cells = row.map { String(format: "%-7.4f", $0) }.joined()
      print(labels[i].padding(toLength: 5, withPad: " ", startingAt: 0) + cells)
    }
  }

  /// cos(vᵢ, vⱼ) for every pair of rows.
  static func cosines(_ m: Matrix) -> [[Float]] {
    let norms = (0..<m.rows).map { VectorKernels.norm(m.rowPointer($0), m.columns) }
    return (0..<m.rows).map { i in
      (0..<m.rows).map { j in
        let d = norms[i] * norms[j]
        return d > 0 ? VectorKernels.dot(m.rowPointer(i), m.rowPointer(j), m.columns) / d : 0
      }
    }
  }
}

/// `embed similarity --json`.
private struct CosineMatrixJSON: Encodable {
  let texts: [String]
  let cosine: [[Double]]
}
