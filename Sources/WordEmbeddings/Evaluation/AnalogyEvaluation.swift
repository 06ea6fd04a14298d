import EmbeddingCore
import Foundation

/// Accuracy on word-analogy questions (`a b c d`: a is to b as c is to d) in the
/// questions-words format: `: section` lines open sections, other lines hold four words.
///
/// Semantics are gensim's `evaluate_word_analogies`, question for question: only the first
/// `restrictVocabulary` words are used; words are compared upper-cased when
/// `caseInsensitive`; a question with a word outside that vocabulary is skipped and counted
/// as out-of-vocabulary (or counted wrong with `dummyForUnknown`); the answer is the first of
/// the top 5 3CosAdd neighbours of b − a + c (over the same rows) that is in the
/// vocabulary and not one of a, b, c; lines without exactly four words are skipped.
///
/// ```swift
/// let result = try wv.evaluateAnalogies(path: "questions-words.txt", restrictVocabulary: 30_000)
/// print(result.total.accuracy)
/// ```
public struct AnalogyEvaluation: Sendable, Equatable {
  /// Counts for one section (or the total).
  public struct Section: Sendable, Equatable {
    /// Section name (`capital-common-countries`, or `Total accuracy`).
    public var name: String
    /// Questions answered correctly.
    public var correct: Int
    /// Questions answered wrongly (including OOV ones with `dummyForUnknown`).
    public var incorrect: Int
    /// correct / (correct + incorrect), 0 when no question was evaluated.
    public var accuracy: Double {
      correct + incorrect == 0 ? 0 : Double(correct) / Double(correct + incorrect)
    }
  }

  /// Per-section results, in file order.
  public var sections: [Section]
  /// All sections together.
  public var total: Section
  /// Well-formed questions read.
  public var questions: Int
  /// Questions with a word outside the evaluation vocabulary.
  public var outOfVocabulary: Int
  /// outOfVocabulary / questions × 100 (gensim's `oov_ratio`).
  public var outOfVocabularyPercent: Double {
    questions == 0 ? 0 : Double(outOfVocabulary) / Double(questions) * 100
  }
}

extension WordVectors {
  /// Evaluates analogy questions with gensim's semantics (see `AnalogyEvaluation`).
  ///
  /// All questions are answered in one batched pass over the matrix.
  ///
  /// - Throws: `EmbeddingError.io` / `.malformed` (a question before any section line names
  ///   the line).
  /// - Parameter progress: called after each chunk of 2,048 questions (from the caller's thread).
  /// - Complexity: O(questions × restrictVocabulary × dimension), on all cores.
  public func evaluateAnalogies(
    path: String, restrictVocabulary: Int = 300_000, caseInsensitive: Bool = true,
    dummyForUnknown: Bool = false, progress: ProgressHandler? = nil
  ) throws -> AnalogyEvaluation {
    let vocabulary = EvaluationVocabulary(
      self, restrict: restrictVocabulary, caseInsensitive: caseInsensitive)
    struct Question {
      var section: Int
      var rows: [Int]  // a, b, c, expected
      var keys: [String]
    }
    var sections: [AnalogyEvaluation.Section] = []
    var questions: [Question] = []
    var wellFormed = 0
    var oov = 0
    for (number, line) in try EvaluationFile.lines(path: path).enumerated() {
      if line.hasPrefix(": ") {
        let name = line.drop(while: { $0 == ":" || $0 == " " }).trimmingCharacters(
          in: .whitespacesAndNewlines)
        sections.append(.init(name: name, correct: 0, incorrect: 0))
        continue
      }
      guard !sections.isEmpty else {
        throw EmbeddingError.malformed(
          path: path, location: "line \(number + 1)",
          reason: "a question before any section line (': name')")
      }
      let words = line.split(whereSeparator: { $0.isWhitespace })
      guard words.count == 4 else { continue }
      wellFormed += 1
      let keys = words.map { vocabulary.key($0) }
      let rows = keys.compactMap { vocabulary.rows[$0] }
      if rows.count < 4 {
        oov += 1
        if dummyForUnknown { sections[sections.count - 1].incorrect += 1 }
        continue
      }
      questions.append(Question(section: sections.count - 1, rows: rows, keys: keys))
    }
    // 3CosAdd queries b − a + c, answered together: gensim's most_similar(topn=5) keeps the
    // top 5 + 3 rows of the first `restrictVocabulary`, drops the three inputs, keeps 5.
    // Answered in chunks so a progress handler hears about long evaluations.
    var answers: [[Neighbour]] = []
    answers.reserveCapacity(questions.count)
    let start = MonotonicClock.now()
    let chunk = 2048
    for lo in stride(from: 0, to: questions.count, by: chunk) {
      let part = questions[lo..<min(questions.count, lo + chunk)]
      let queries = part.map {
        meanQuery(rows: [$0.rows[1], $0.rows[2], $0.rows[0]], weights: [1, 1, -1])
      }
      answers += searchBatch(
        queries, topN: 5, restrictTo: restrictVocabulary,
        excluding: part.map { [$0.rows[1], $0.rows[2], $0.rows[0]] })
      progress?(
        ProgressReport(
          stage: "analogies", completed: answers.count, total: questions.count, unit: "questions",
          elapsed: MonotonicClock.now() - start))
    }

    let words = self.words
    for (question, sims) in zip(questions, answers) {
      let ignore = Set(question.keys[0..<3])
      var predicted: String? = nil
      for neighbour in sims {
        let key = caseInsensitive ? words[neighbour.row].uppercased() : words[neighbour.row]
        predicted = key
        if vocabulary.rows[key] != nil && !ignore.contains(key) { break }
      }
      if predicted == question.keys[3] {
        sections[question.section].correct += 1
      } else {
        sections[question.section].incorrect += 1
      }
    }
    let total = AnalogyEvaluation.Section(
      name: "Total accuracy", correct: sections.reduce(0) { $0 + $1.correct },
      incorrect: sections.reduce(0) { $0 + $1.incorrect })
    return AnalogyEvaluation(
      sections: sections, total: total, questions: wellFormed, outOfVocabulary: oov)
  }
}
