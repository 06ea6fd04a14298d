import EmbeddingCore

/// Shared steps of every loader: decoding words, checking values, dropping duplicates.
enum RowAssembly {
  /// Decodes a word's bytes.
  ///
  /// Returns nil if they are not valid UTF-8 and `policy` is `.reject`; sets `replaced` when bad
  /// bytes were replaced.
  @inline(__always)
  static func decodeWord(
    _ bytes: UnsafeRawBufferPointer, policy: VectorLoadOptions.InvalidUTF8Policy,
    replaced: inout Bool
  ) -> String? {
    let u8 = bytes.bindMemory(to: UInt8.self)
    var ascii = true
    for b in u8 where b >= 0x80 {
      ascii = false
      break
    }
    let word = String(decoding: u8, as: UTF8.self)
    if ascii { return word }
    // Valid UTF-8 decodes to itself; anything else comes back changed (U+FFFD inserted).
    if word.utf8.elementsEqual(u8) { return word }
    if policy == .reject { return nil }
    replaced = true
    return word
  }

  /// Index of the first NaN or infinite value in `p[0..<n]`, or nil.
  ///
  /// - Complexity: O(n), vectorised (x − x is 0 for finite x, NaN otherwise).
  @inline(__always)
  static func firstNonFinite(_ p: UnsafePointer<Float>, _ n: Int) -> Int? {
    var i = 0
    let raw = UnsafeRawPointer(p)
    var bad = false
    while i + 8 <= n {
      let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      if any((v - v) .!= 0) {
        bad = true
        break
      }
      i += 8
    }
    if !bad && i == n { return nil }
    while i < n {
      if !p[i].isFinite { return i }
      i += 1
    }
    return nil
  }

  /// Finishes a load: vocabulary index, duplicates, the `WordVectors`.
  ///
  /// Builds the vocabulary index, drops (or rejects) duplicate words, and returns the
  /// finished `WordVectors`. `location(row)` names where row `row` came from ("line 12").
  static func finish(
    words: [String], matrix: Matrix, counts: [Int] = [], path: String,
    options: VectorLoadOptions, replacedUTF8: Int = 0, location: (Int) -> String
  ) throws -> WordVectors {
    var index = [String: Int](minimumCapacity: words.count)
    var duplicateRows: [Int] = []
    for (row, word) in words.enumerated() {
      if let first = index[word] {
        if options.duplicates == .reject {
          throw EmbeddingError.malformed(
            path: path, location: location(row),
            reason: "word '\(word)' appears again (first in row \(first + 1)); "
              + "use duplicates: .keepFirst (the default, and the command line's) to keep the first row"
          )
        }
        duplicateRows.append(row)
      } else {
        index[word] = row
      }
    }
    var report = LoadReport()
    report.replacedInvalidUTF8 = replacedUTF8
    guard !duplicateRows.isEmpty else {
      let wv = WordVectors(words: words, matrix: matrix, counts: counts, index: index)
      wv.loadReport = report
      return wv
    }
    report.droppedDuplicates = duplicateRows.count
    report.duplicateExamples = duplicateRows.prefix(3).map { words[$0] }
    let dropped = Set(duplicateRows)
    let kept = (0..<words.count).filter { !dropped.contains($0) }
    let compact = Matrix(rows: kept.count, columns: matrix.columns)
    for (to, from) in kept.enumerated() {
      compact.rowPointer(to).update(from: matrix.rowPointer(from), count: matrix.columns)
    }
    let keptWords = kept.map { words[$0] }
    var keptIndex = [String: Int](minimumCapacity: kept.count)
    for (i, w) in keptWords.enumerated() { keptIndex[w] = i }
    let wv = WordVectors(
      words: keptWords, matrix: compact, counts: counts.isEmpty ? [] : kept.map { counts[$0] },
      index: keptIndex)
    wv.loadReport = report
    return wv
  }
}
