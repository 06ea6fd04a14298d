/// Where a `WordVectors` keeps its words: arrays in memory, or a memory-mapped file.
protocol VocabularyStore: Sendable {
  /// Number of words.
  var count: Int { get }
  /// Whether corpus counts are known.
  var hasCounts: Bool { get }
  /// The word of a row.
  func word(at row: Int) -> String
  /// The count of a row's word (0 if unknown).
  func count(at row: Int) -> Int
  /// The row of a word, if present.
  func index(of word: String) -> Int?
}

/// Words, counts and a hash index held in memory.
struct InMemoryVocabulary: VocabularyStore {
  let words: [String]
  let counts: [Int]
  let index: [String: Int]

  var count: Int { words.count }
  var hasCounts: Bool { !counts.isEmpty }
  func word(at row: Int) -> String { words[row] }
  func count(at row: Int) -> Int { counts.isEmpty ? 0 : counts[row] }
  func index(of word: String) -> Int? { index[word] }
}
