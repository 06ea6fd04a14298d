import EmbeddingCore
import Foundation
import Testing

@testable import WordEmbeddings

/// Queries against gensim's answers on the same vectors (expected.json).
@Suite struct QueryTests {
  let wv = Fixture.vectors
  let expected = Fixture.expected

  private func words(_ any: Any?) -> [String] { (any as? [String]) ?? [] }
  private func pairs(_ any: Any?) -> [(String, Double)] {
    ((any as? [[Any]]) ?? []).map {
      ($0[0] as? String ?? "", ($0[1] as? NSNumber)?.doubleValue ?? .nan)
    }
  }

  /// Words grouped by score (within 1e-6: float32 rounding may split an exact tie), in rank order.
  private func tieGroups(_ ranked: [(String, Double)]) -> [Set<String>] {
    var groups: [Set<String>] = []
    var last = Double.nan
    for (word, score) in ranked {
      if abs(score - last) < 1e-6 {
        groups[groups.count - 1].insert(word)
      } else {
        groups.append([word])
      }
      last = score
    }
    return groups
  }

  @Test func mostSimilarMatchesGensim() throws {
    let cases = try #require(expected["most_similar"] as? [[String: Any]])
    #expect(cases.count == 20)
    for c in cases {
      let restrict = c["restrict"] as? Int
      let topN = try #require(c["topn"] as? Int)
      let got = try wv.mostSimilar(
        positive: words(c["positive"]), negative: words(c["negative"]), topN: topN,
        restrictTo: restrict)
      let want = pairs(c["result"])
      // Same words in the same order, except that rows with exactly equal float32 scores may
      // come in either order (gensim's argpartition does not order ties).
      let groups = tieGroups(want)
      var chunks: [Set<String>] = []
      var at = 0
      for g in groups {
        chunks.append(Set(got.dropFirst(at).prefix(g.count).map(\.word)))
        at += g.count
      }
      #expect(got.count == want.count && chunks == groups, "\(c)")
      for (g, w) in zip(got, want) { #expect(abs(Double(g.similarity) - w.1) < 1e-5) }
    }
  }

  @Test func batchedSearchEqualsSingleQueries() throws {
    let queries = (0..<70).map { ([wv.words[$0 * 5]], [String]()) }
    let batch = try wv.mostSimilar(batch: queries, topN: 7)
    for (q, answer) in zip(queries, batch) {
      #expect(answer == (try wv.mostSimilar(positive: q.0, topN: 7)))
    }
  }

  @Test func cosMulMatchesGensim() throws {
    for c in try #require(expected["cosmul"] as? [[String: Any]]) {
      let got = try wv.mostSimilarCosMul(
        positive: words(c["positive"]), negative: words(c["negative"]))
      let want = pairs(c["result"])
      #expect(got.map(\.word) == want.map(\.0))
      for (g, w) in zip(got, want) {
        #expect(abs(Double(g.similarity) - w.1) < 1e-4 * max(1, abs(w.1)))
      }
    }
  }

  @Test func similarityDoesntMatchAndSetSimilarity() throws {
    for c in try #require(expected["similarity"] as? [[String: Any]]) {
      let value = try wv.similarity(c["a"] as? String ?? "", c["b"] as? String ?? "")
      #expect(abs(Double(value) - ((c["value"] as? Double) ?? .nan)) < 1e-6)
    }
    for c in try #require(expected["doesnt_match"] as? [[String: Any]]) {
      #expect(try wv.doesntMatch(words(c["words"])) == c["result"] as? String)
    }
    for c in try #require(expected["n_similarity"] as? [[String: Any]]) {
      let value = try wv.similarity(between: words(c["a"]), and: words(c["b"]))
      #expect(abs(Double(value) - ((c["value"] as? Double) ?? .nan)) < 1e-6)
    }
  }

  @Test func unknownWordsAreNamedWithSuggestions() {
    do {
      _ = try wv.mostSimilar(to: "thw")
      Issue.record("expected an out-of-vocabulary error")
    } catch let EmbeddingError.outOfVocabulary(word, suggestions) {
      #expect(word == "thw")
      #expect(suggestions.contains("the"))
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test func vectorQueriesAndRestriction() throws {
    let king = try wv.vector(for: wv.words[42])
    let byVector = try wv.mostSimilar(toVector: king, topN: 3)
    #expect(byVector.first?.row == 42)
    let restricted = try wv.mostSimilar(to: wv.words[42], topN: 50, restrictTo: 30)
    #expect(restricted.count == 30 && restricted.allSatisfy { $0.row < 30 })
    #expect(try wv.mostSimilar(to: "the", topN: 0).isEmpty)
  }
}

@Suite struct EvaluationTests {
  let wv = Fixture.vectors

  @Test func analogiesMatchGensimPerSection() throws {
    for c in try #require(Fixture.expected["analogies"] as? [[String: Any]]) {
      let result = try wv.evaluateAnalogies(
        path: Fixture.path("questions.txt"), restrictVocabulary: c["restrict"] as? Int ?? 0,
        caseInsensitive: c["case_insensitive"] as? Bool ?? true)
      let sections = try #require(c["sections"] as? [[String: Any]])
      let ours = result.sections + [result.total]
      #expect(ours.count == sections.count)
      for (mine, theirs) in zip(ours, sections) {
        #expect(mine.name == theirs["section"] as? String)
        #expect(mine.correct == theirs["correct"] as? Int, "\(mine.name) \(c)")
        #expect(mine.incorrect == theirs["incorrect"] as? Int, "\(mine.name) \(c)")
      }
      #expect(abs(result.total.accuracy - (c["score"] as? Double ?? -1)) < 1e-12)
    }
  }

  @Test func wordPairsMatchGensim() throws {
    for c in try #require(Fixture.expected["pairs"] as? [[String: Any]]) {
      let dummy = c["dummy4unknown"] as? Bool ?? false
      let r = try wv.evaluateWordPairs(
        path: Fixture.path("pairs.tsv"), restrictVocabulary: 300, dummyForUnknown: dummy)
      #expect(abs(r.pearson - (c["pearson"] as? Double ?? .nan)) < 1e-6)
      #expect(abs(r.spearman - (c["spearman"] as? Double ?? .nan)) < 1e-6)
      #expect(abs(r.outOfVocabularyPercent - (c["oov_ratio"] as? Double ?? .nan)) < 1e-9)
    }
  }

  @Test func ranksAverageTies() {
    #expect(Correlation.ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
  }
}

@Suite struct EdgeQueryTests {
  @Test func emptyAndTinyVocabularies() throws {
    let empty = try WordVectors(words: [], matrix: Matrix(rows: 0, columns: 4))
    #expect(try empty.mostSimilar(toVector: [1, 0, 0, 0]).isEmpty)
    let one = try WordVectors(
      words: ["a"], matrix: Matrix(rows: 1, columns: 4, values: [1, 0, 0, 0]))
    #expect(try one.mostSimilar(to: "a").isEmpty)
    #expect(try one.mostSimilar(toVector: [0, 0, 0, 0], topN: 1).count <= 1)
    #expect(try one.mostSimilar(to: "a", restrictTo: 0).isEmpty)
  }
}

@Suite struct UnitVectorTests {
  @Test func unitVectorsAndNormsAreComputedOnce() throws {
    let wv = try WordVectors(
      words: ["a", "b", "z"], matrix: Matrix(rows: 3, columns: 2, values: [3, 4, 0, 2, 0, 0]))
    #expect(wv.norms == [5, 2, 0])
    let unit = wv.unitVectors
    #expect(unit.row(0) == [0.6, 0.8] && unit.row(1) == [0, 1] && unit.row(2) == [0, 0])
    #expect(wv.unitVectors === unit)
  }
}
