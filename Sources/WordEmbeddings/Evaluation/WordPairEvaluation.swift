import EmbeddingCore
import Foundation

/// How well cosine similarities of word pairs agree with human scores (WordSim-353 style
/// tab-separated `word1<TAB>word2<TAB>score` lines; `#` lines are comments).
///
/// Semantics are gensim's `evaluate_word_pairs`: lines that do not split into exactly three
/// tab-separated fields with a numeric score are skipped; pairs with a word outside the
/// first `restrictVocabulary` words are skipped and counted (or scored 0 with
/// `dummyForUnknown`); Pearson and Spearman (average ranks for ties) are computed over the rest.
///
/// ```swift
/// let r = try wv.evaluateWordPairs(path: "wordsim353.tsv")
/// print(r.spearman, r.pearson, r.outOfVocabularyPercent)
/// ```
public struct WordPairEvaluation: Sendable, Equatable {
  /// Pearson correlation of model and human scores.
  public var pearson: Double
  /// Spearman rank correlation.
  public var spearman: Double
  /// Pairs used for the correlations.
  public var pairs: Int
  /// Pairs with an out-of-vocabulary word.
  public var outOfVocabulary: Int
  /// gensim's `oov_ratio` (percent): OOV / (pairs + OOV), or OOV / pairs with `dummyForUnknown`.
  public var outOfVocabularyPercent: Double
}

extension WordVectors {
  /// Evaluates word-pair similarities with gensim's semantics (see `WordPairEvaluation`).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if no pair could be scored.
  /// - Complexity: O(pairs × dimension + pairs log pairs).
  public func evaluateWordPairs(
    path: String, restrictVocabulary: Int = 300_000, caseInsensitive: Bool = true,
    dummyForUnknown: Bool = false
  ) throws -> WordPairEvaluation {
    let vocabulary = EvaluationVocabulary(
      self, restrict: restrictVocabulary, caseInsensitive: caseInsensitive)
    var gold: [Double] = []
    var model: [Double] = []
    var oov = 0
    for var line in try EvaluationFile.lines(path: path) {
      if line.hasSuffix("\r") { line = line.dropLast() }
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 3,
        let score = Double(fields[2].trimmingCharacters(in: .whitespaces))
      else { continue }
      guard let a = vocabulary.rows[vocabulary.key(fields[0])],
        let b = vocabulary.rows[vocabulary.key(fields[1])]
      else {
        oov += 1
        if dummyForUnknown {
          gold.append(score)
          model.append(0)
        }
        continue
      }
      gold.append(score)
      model.append(Double(Self.cosine(matrix.row(a), matrix.row(b))))
    }
    guard !gold.isEmpty else {
      throw EmbeddingError.invalidArgument(
        "no pair in \(path) could be scored: wrong format (word<TAB>word<TAB>score) or all out of vocabulary"
      )
    }
    let percent =
      dummyForUnknown
      ? Double(oov) / Double(gold.count) * 100 : Double(oov) / Double(gold.count + oov) * 100
    return WordPairEvaluation(
      pearson: Correlation.pearson(gold, model), spearman: Correlation.spearman(gold, model),
      pairs: gold.count - (dummyForUnknown ? oov : 0), outOfVocabulary: oov,
      outOfVocabularyPercent: percent)
  }
}

/// Pearson and Spearman correlation coefficients.
enum Correlation {
  /// Pearson's r (NaN if either side is constant).
  static func pearson(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n
    let my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
      let dx = x[i] - mx
      let dy = y[i] - my
      sxy += dx * dy
      sxx += dx * dx
      syy += dy * dy
    }
    return sxy / (sxx * syy).squareRoot()
  }

  /// Spearman's ρ: Pearson's r of the ranks, tied values sharing their average rank.
  static func spearman(_ x: [Double], _ y: [Double]) -> Double {
    pearson(ranks(x), ranks(y))
  }

  /// 1-based ranks, ties averaged.
  static func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
      let average = Double(i + j) / 2 + 1
      for k in i...j { ranks[order[k]] = average }
      i = j + 1
    }
    return ranks
  }
}
