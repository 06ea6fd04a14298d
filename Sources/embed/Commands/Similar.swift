import ArgumentParser
import EmbeddingKit

/// `embed similar WORD… --vectors FILE`: nearest neighbours by cosine similarity.
struct Similar: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the words nearest to each given word (cosine similarity).",
    discussion: """
      Reads word vectors in any format (word2vec .bin/.txt, GloVe, fastText .vec, .npy, \
      safetensors, native .ekv) and prints the nearest neighbours of each word, searched in one \
      batched pass. With two words and --pair, prints their similarity instead.

      Examples:
        embed similar king queen --vectors vectors.bin
        embed similar paris --vectors glove.6B.100d.txt --top 5 --restrict 50000
        embed similar woman man --pair --vectors vectors.bin
      """)

  @Argument(help: "The words to look up.")
  var words: [String]

  @Option(help: "The word-vectors file.")
  var vectors: String

  @Option(help: "How many neighbours to show (at least 1).")
  var top: Int = 10

  @Option(help: "Search only the first N words of the file (at least 1; default: all).")
  var restrict: Int?

  @Flag(help: "Print the cosine similarity of the given words (two or more) instead.")
  var pair = false

  @Flag(help: "Print JSON.")
  var json = false

  @OptionGroup var file: VectorFileOptions

  func validate() throws {
    try checkTopAndRestrict(top: top, restrict: restrict)
  }

  func run() throws {
    let wv = try file.load(vectors)
    if pair {
      guard words.count >= 2 else { throw ValidationError("--pair needs at least two words") }
      var rows: [PairJSON] = []
      for i in 0..<words.count {
        for j in (i + 1)..<words.count {
          let s = try wv.similarity(words[i], words[j])
          rows.append(PairJSON(a: words[i], b: words[j], similarity: Double(s)))
          if !json { print("\(words[i])  \(words[j])  \(String(format: "%.4f", s))") }
        }
      }
      if json { try printJSON(rows) }
      return
    }
    let answers = try wv.mostSimilar(
      batch: words.map { ([$0], []) }, topN: top, restrictTo: restrict)
    if json {
      var table: [String: [NeighbourJSON]] = [:]
      for (word, neighbours) in zip(words, answers) {
        table[word] = neighbours.map(NeighbourJSON.init)
      }
      try printJSON(table)
      return
    }
    for (word, neighbours) in zip(words, answers) {
      if words.count > 1 { print("\(word):") }
      if neighbours.isEmpty, let restrict {
        Terminal.note("\(word): no neighbour among the first \(restrict) words (--restrict)")
      }
      NeighbourTable.print(neighbours)
    }
  }
}

/// One row of `embed similar --pair --json`.
struct PairJSON: Encodable {
  let a: String
  let b: String
  let similarity: Double
}
