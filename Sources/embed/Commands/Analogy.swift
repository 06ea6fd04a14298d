import ArgumentParser
import EmbeddingKit

/// `embed analogy king - man + woman --vectors FILE`.
struct Analogy: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Solve word analogies: king - man + woman ≈ queen.",
    discussion: """
      Write the analogy as an expression (words joined by standalone + and -; the first word \
      is positive) or with --positive/--negative. 3CosAdd (default) ranks words by cosine with \
      the normalised mean of the unit vectors, as gensim's most_similar; 3CosMul (--method \
      cosmul) as gensim's most_similar_cosmul. The input words are never returned.

      Examples:
        embed analogy king - man + woman --vectors vectors.bin
        embed analogy --positive paris,germany --negative france --vectors vectors.bin --top 3
        embed analogy king - man + woman --method cosmul --vectors vectors.bin
      """)

  @Argument(help: "The expression, e.g. king - man + woman.")
  var expression: [String] = []

  @Option(parsing: .singleValue, help: "Positive words (comma-separated or repeated).")
  var positive: [String] = []

  @Option(parsing: .singleValue, help: "Negative words (comma-separated or repeated).")
  var negative: [String] = []

  @Option(help: "The word-vectors file.")
  var vectors: String

  @Option(help: "How many answers to show.")
  var top: Int = 10

  @Option(help: "Search only the first N words of the file (default: all).")
  var restrict: Int?

  @Option(help: "cosadd (3CosAdd, gensim most_similar) or cosmul (3CosMul).")
  var method: String = "cosadd"

  @Flag(help: "Print JSON.")
  var json = false

  @OptionGroup var file: VectorFileOptions

  /// Splits `king - man + woman` into positive and negative words.
  static func parse(_ tokens: [String]) throws -> (positive: [String], negative: [String]) {
    var positive: [String] = []
    var negative: [String] = []
    var sign = 1
    var expectWord = true
    for token in tokens {
      if token == "+" || token == "-" {
        guard !expectWord || positive.isEmpty && negative.isEmpty && token == "-" else {
          throw ValidationError("two operators in a row in '\(tokens.joined(separator: " "))'")
        }
        sign = token == "+" ? 1 : -1
        expectWord = true
        continue
      }
      guard expectWord else {
        throw ValidationError(
          "missing + or - before '\(token)' in '\(tokens.joined(separator: " "))'")
      }
      if sign > 0 { positive.append(token) } else { negative.append(token) }
      expectWord = false
    }
    return (positive, negative)
  }

  func run() throws {
    var (plus, minus) = try Self.parse(expression)
    plus += positive.flatMap { $0.split(separator: ",").map(String.init) }
    minus += negative.flatMap { $0.split(separator: ",").map(String.init) }
    guard !plus.isEmpty else {
      throw ValidationError("give an expression (king - man + woman) or --positive words")
    }
    let wv = try file.load(vectors)
    let answers: [Neighbour]
    switch method.lowercased() {
    case "cosadd", "3cosadd":
      answers = try wv.mostSimilar(positive: plus, negative: minus, topN: top, restrictTo: restrict)
    case "cosmul", "3cosmul":
      answers = try wv.mostSimilarCosMul(
        positive: plus, negative: minus, topN: top, restrictTo: restrict)
    default: throw ValidationError("unknown method '\(method)': use cosadd or cosmul")
    }
    if json {
      try printJSON([
        "positive": plus, "negative": minus, "method": method,
        "answers": NeighbourTable.json(answers),
      ])
    } else {
      print("\(plus.joined(separator: " + "))\(minus.map { " - \($0)" }.joined()) ≈")
      NeighbourTable.print(answers)
    }
  }
}
