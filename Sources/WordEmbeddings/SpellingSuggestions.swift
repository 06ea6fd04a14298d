/// Near spellings of an unknown word, for out-of-vocabulary errors.
enum SpellingSuggestions {
  /// Near spellings of `word` in the vocabulary.
  ///
  /// Up to `limit` vocabulary words within edit distance 2 of `word` (first the lowercase
  /// form if present), closest and most frequent (earliest row) first. Scans at most the
  /// first 200,000 words, so the error stays cheap on big vocabularies.
  ///
  /// - Complexity: O(min(count, 200,000) × |word|²) worst case, early exits on length.
  static func near(_ word: String, in vectors: WordVectors, limit: Int = 3) -> [String] {
    var found: [(distance: Int, row: Int)] = []
    let target = Array(word.unicodeScalars)
    let lower = word.lowercased()
    if lower != word, let row = vectors.index(of: lower) { found.append((0, row)) }
    let scanned = min(vectors.count, 200_000)
    for row in 0..<scanned {
      let candidate = Array(vectors.word(at: row).unicodeScalars)
      guard abs(candidate.count - target.count) <= 2 else { continue }
      if let d = editDistance(target, candidate, atMost: 2), d > 0 {
        found.append((d, row))
      }
    }
    found.sort { ($0.distance, $0.row) < ($1.distance, $1.row) }
    var seen = Set<Int>()
    return found.filter { seen.insert($0.row).inserted }.prefix(limit).map {
      vectors.word(at: $0.row)
    }
  }

  /// Levenshtein distance if it is at most `bound`, else nil.
  static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost bound: Int) -> Int?
  {
    if a.isEmpty { return b.count <= bound ? b.count : nil }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      var rowMin = i
      for j in 1...max(b.count, 1) where j <= b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        rowMin = min(rowMin, current[j])
      }
      if rowMin > bound { return nil }
      swap(&previous, &current)
    }
    return previous[b.count] <= bound ? previous[b.count] : nil
  }
}
