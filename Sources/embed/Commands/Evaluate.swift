import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed evaluate VECTORS --analogies FILE --pairs FILE`.
struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Score word vectors on analogy questions and word-pair similarities.",
    discussion: """
      Analogies: the questions-words format (': section' lines, then 'a b c d' lines); \
      accuracy per section and in total, with gensim's evaluate_word_analogies semantics \
      (questions with a word outside the first --restrict words are skipped and counted as OOV).
      Pairs: 'word1<TAB>word2<TAB>score' lines; Pearson and Spearman correlation with gensim's \
      evaluate_word_pairs semantics.

      Examples:
        embed evaluate vectors.bin \\
          --analogies ../shared/data/eval/questions-words.txt
        embed evaluate vectors.bin --pairs ../shared/data/eval/wordsim353.tsv --json
      """)

  @Argument(help: "The word-vectors file.")
  var vectors: String

  @Option(help: "Analogy questions file (questions-words format).")
  var analogies: String?

  @Option(help: "Word-pair similarity file (tab-separated).")
  var pairs: String?

  @Option(help: "Use only the first N words of the vectors (gensim's restrict_vocab).")
  var restrict: Int = 300_000

  @Flag(help: "Compare words case-sensitively (default: case-insensitive, as gensim).")
  var caseSensitive = false

  @Flag(
    help:
      "Count questions/pairs with unknown words as wrong / similarity 0 instead of skipping them.")
  var dummyForUnknown = false

  @Flag(help: "Print JSON.")
  var json = false

  @OptionGroup var file: VectorFileOptions

  func validate() throws {
    if restrict < 1 { throw ValidationError("--restrict must be at least 1 (got \(restrict))") }
  }

  func run() throws {
    guard analogies != nil || pairs != nil else {
      throw ValidationError("give --analogies FILE and/or --pairs FILE")
    }
    let wv = try file.load(vectors)
    var report = EvaluationJSON(vectors: vectors, words: wv.count, restrict: restrict)
    if let analogies {
      let bar = ProgressBar(quiet: json)
      let r = try wv.evaluateAnalogies(
        path: analogies, restrictVocabulary: restrict, caseInsensitive: !caseSensitive,
        dummyForUnknown: dummyForUnknown, progress: bar.handler)
      bar.finish()
      let rows = r.sections + [r.total]
      report.analogies = EvaluationJSON.Analogies(
        file: analogies, questions: r.questions, oov: r.outOfVocabulary,
        oov_percent: r.outOfVocabularyPercent,
        sections: rows.map {
          EvaluationJSON.Section(
            section: $0.name, correct: $0.correct, incorrect: $0.incorrect, accuracy: $0.accuracy)
        })
      if !json {
        let width = max(24, rows.map(\.name.count).max() ?? 24)
        print("Analogies: \(analogies)")
        print(
          "\("section".padding(toLength: width, withPad: " ", startingAt: 0))  correct  of     accuracy"
        )
        for s in rows {
          print(
            "\(s.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(String(format: "%7d  %-5d  %6.2f%%", s.correct, s.correct + s.incorrect, s.accuracy * 100))"
          )
        }
        print(
          "questions with out-of-vocabulary words: \(r.outOfVocabulary) of \(r.questions) (\(String(format: "%.1f", r.outOfVocabularyPercent))%)"
        )
      }
    }
    if let pairs {
      let r = try wv.evaluateWordPairs(
        path: pairs, restrictVocabulary: restrict, caseInsensitive: !caseSensitive,
        dummyForUnknown: dummyForUnknown)
      report.pairs = EvaluationJSON.Pairs(
        file: pairs, pearson: r.pearson, spearman: r.spearman, pairs: r.pairs,
        oov: r.outOfVocabulary, oov_percent: r.outOfVocabularyPercent)
      if !json {
        print("Word pairs: \(pairs)")
        print(
          String(
            format: "  Pearson %.4f   Spearman %.4f   pairs %d   out of vocabulary %d (%.1f%%)",
            r.pearson, r.spearman, r.pairs, r.outOfVocabulary, r.outOfVocabularyPercent))
      }
    }
    if json { try printJSON(report) }
  }
}

/// `embed evaluate --json` output (snake_case keys, as before).
struct EvaluationJSON: Encodable {
  /// One row of the analogy table.
  struct Section: Encodable {
    let section: String
    let correct: Int
    let incorrect: Int
    let accuracy: Double
  }

  /// The analogy results.
  struct Analogies: Encodable {
    let file: String
    let questions: Int
    let oov: Int
    let oov_percent: Double
    let sections: [Section]
  }

  /// The word-pair results.
  struct Pairs: Encodable {
    let file: String
    let pearson: Double
    let spearman: Double
    let pairs: Int
    let oov: Int
    let oov_percent: Double
  }

  let vectors: String
  let words: Int
  let restrict: Int
  var analogies: Analogies? = nil
  var pairs: Pairs? = nil
}
