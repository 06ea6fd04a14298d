import Foundation
import EmbeddingCore
import WordEmbeddings

/// Chooses the words to plot from a `WordVectors`: the `top` most frequent rows and/or words by
/// name, each word once, in the order given (requested words first).
///
/// ```swift
/// let pick = try WordSelection(vectors: wv, words: ["eagle", "paris"], top: 100)
/// pick.rows      // row indices into wv.matrix
/// pick.notes     // e.g. ["'eagle' was listed twice; plotted once"]
/// ```
public struct WordSelection: Sendable {
  /// Rows of the vectors to plot, in plotting order.
  public let rows: [Int]
  /// The words of those rows.
  public let words: [String]
  /// Things the user should know (duplicates dropped, words skipped).
  public let notes: [String]

  /// Selects words.
  ///
  /// - Parameters:
  ///   - words: words to plot, by name.
  ///   - top: also plot the first `top` rows (files list words by descending frequency).
  ///   - skipMissing: leave out words that are not in the vocabulary (listed in `notes`)
  ///     instead of throwing.
  /// - Throws: `EmbeddingError.outOfVocabulary` naming every missing word (unless
  ///   `skipMissing`), or `invalidArgument` when nothing is left to plot.
  public init(vectors: WordVectors, words requested: [String], top: Int?, skipMissing: Bool = false)
    throws(EmbeddingError)
  {
    var rows: [Int] = []
    var seen = Set<Int>()
    var notes: [String] = []
    var missing: [String] = []
    var duplicates: [String] = []
    for word in requested {
      guard let r = vectors.index(of: word) else {
        if !missing.contains(word) { missing.append(word) }
        continue
      }
      if seen.insert(r).inserted { rows.append(r) } else { duplicates.append(word) }
    }
    if !missing.isEmpty {
      if !skipMissing {
        let list = missing.map { word -> String in
          // WordVectors suggests near spellings in its out-of-vocabulary error.
          var hint = ""
          do { _ = try vectors.requireIndex(of: word) } catch EmbeddingError.outOfVocabulary(
            _, let near)
          {
            if !near.isEmpty { hint = " (did you mean \(near.prefix(3).joined(separator: ", "))?)" }
          } catch {}
          return "'\(word)'\(hint)"
        }.joined(separator: ", ")
        throw .invalidArgument(
          "not in the vocabulary: \(list). Check the spelling (vectors are often lower-case), "
            + "or pass --skip-missing to plot the others")
      }
      notes.append("skipped (not in the vocabulary): " + missing.joined(separator: ", "))
    }
    if !duplicates.isEmpty {
      notes.append(
        "listed more than once, plotted once: "
          + Array(Set(duplicates)).sorted().joined(separator: ", "))
    }
    if let top {
      for r in 0..<min(max(0, top), vectors.count) where seen.insert(r).inserted { rows.append(r) }
    }
    guard !rows.isEmpty else {
      throw .invalidArgument("no words to plot: give --words, --group(s) or --top N")
    }
    self.rows = rows
    self.words = rows.map { vectors.words[$0] }
    self.notes = notes
  }

  /// The selected rows as a new matrix (optionally scaled to unit length).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` naming the first word whose vector holds a NaN
  ///   or an infinity.
  public func matrix(from vectors: WordVectors, normalize: Bool) throws(EmbeddingError) -> Matrix {
    let m = Matrix(rows: rows.count, columns: vectors.dimension)
    for (i, r) in rows.enumerated() {
      let source = vectors.matrix.rowPointer(r)
      for c in 0..<vectors.dimension where !source[c].isFinite {
        throw .invalidArgument(
          "the vector of '\(words[i])' holds \(source[c]) (column \(c)); "
            + "remove the word or fix the vectors file")
      }
      m.rowPointer(i).update(from: vectors.matrix.rowPointer(r), count: vectors.dimension)
      if normalize { VectorKernels.normalize(m.rowPointer(i), vectors.dimension) }
    }
    return m
  }
}

/// Word → category assignments, read from a `word<TAB>category` file or given in code.
///
/// File format: one `word<TAB>category` per line (a run of spaces also separates them when there
/// is no tab); blank lines and lines starting with `#` are skipped. A word listed twice keeps
/// its first category.
///
/// ```swift
/// let groups = try WordGroups(contentsOf: "groups.tsv")
/// groups.category(of: "eagle")   // "birds"
/// ```
public struct WordGroups: Sendable {
  /// Words in file order.
  public private(set) var words: [String] = []
  private var categories: [String: String] = [:]

  /// No groups.
  public init() {}

  /// Reads a `word<TAB>category` file.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable, `.malformed(path, "line N", …)` for a line
  ///   with no category.
  public init(contentsOf path: String) throws(EmbeddingError) {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw .io(path: path, reason: "cannot read the groups file (\(error.localizedDescription))")
    }
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      let parts: [Substring]
      if line.contains("\t") {
        parts = line.split(separator: "\t", maxSplits: 1)
      } else {
        parts = line.split(separator: " ", maxSplits: 1)
      }
      let word = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
      let category = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
      guard !word.isEmpty, !category.isEmpty else {
        throw .malformed(
          path: path, location: "line \(number + 1)",
          reason: "expected 'word<TAB>category', got '\(line)'")
      }
      add(word, to: category)
    }
  }

  /// Assigns `word` to `category` unless it already has one.
  public mutating func add(_ word: String, to category: String) {
    if categories[word] == nil {
      categories[word] = category
      words.append(word)
    }
  }

  /// The category of `word`, if any.
  public func category(of word: String) -> String? { categories[word] }

  /// Whether no word has a category.
  public var isEmpty: Bool { words.isEmpty }
}
