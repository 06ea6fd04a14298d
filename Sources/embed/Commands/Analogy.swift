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
        embed analogy --positive paris,germany --negative france --top 3 \\
          --vectors vectors.bin
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

  @Option(help: "How many answers to show (at least 1).")
  var top: Int = 10

  @Option(help: "Search only the first N words of the file (at least 1; default: all).")
  var restrict: Int?

  @Option(help: "3CosAdd (gensim most_similar) or 3CosMul (most_similar_cosmul).")
  var method: AnalogyMethod = .cosadd

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
    if expectWord && !tokens.isEmpty {
      throw ValidationError(
        "'\(tokens.joined(separator: " "))' ends with an operator: add the word after "
          + "'\(tokens.last ?? "")'")
    }
    return (positive, negative)
  }

  /// The analogy as the user wrote it: the expression, then any --positive/--negative words.
  static func header(expression: [String], positive: [String], negative: [String]) -> String {
    var parts = expression
    for word in positive { parts += parts.isEmpty ? [word] : ["+", word] }
    for word in negative { parts += ["-", word] }
    return parts.joined(separator: " ")
  }

  func validate() throws {
    try checkTopAndRestrict(top: top, restrict: restrict)
  }

  func run() throws {
    var (plus, minus) = try Self.parse(expression)
    let extraPlus = positive.flatMap { $0.split(separator: ",").map(String.init) }
    let extraMinus = negative.flatMap { $0.split(separator: ",").map(String.init) }
    plus += extraPlus
    minus += extraMinus
    guard !plus.isEmpty else {
      throw ValidationError("give an expression (king - man + woman) or --positive words")
    }
    let wv = try file.load(vectors)
    let answers: [Neighbour]
    switch method {
    case .cosadd:
      answers = try wv.mostSimilar(positive: plus, negative: minus, topN: top, restrictTo: restrict)
    case .cosmul:
      answers = try wv.mostSimilarCosMul(
        positive: plus, negative: minus, topN: top, restrictTo: restrict)
    }
    if answers.isEmpty, let restrict {
      Terminal.note("no answer: the first \(restrict) words (--restrict) are all input words")
    }
    if json {
      try printJSON(
        AnalogyJSON(
          positive: plus, negative: minus, method: method.rawValue,
          answers: answers.map(NeighbourJSON.init)))
    } else {
      print(Self.header(expression: expression, positive: extraPlus, negative: extraMinus) + " ≈")
      NeighbourTable.print(answers)
    }
  }
}

/// `embed analogy --json` output.
struct AnalogyJSON: Encodable {
  let positive: [String]
  let negative: [String]
  let method: String
  let answers: [NeighbourJSON]
}
