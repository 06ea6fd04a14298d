import EmbeddingCore
import WordEmbeddings

/// How many token rows a `WordVectors` initialisation filled, and examples of both kinds.
public struct WordVectorMatchReport: Sendable, CustomStringConvertible {
  /// Rows that had a token string to look up.
  public var tokens: Int
  /// Rows filled from a word vector.
  public var matched: Int
  /// Up to 8 token strings that were matched, with the word used (`" king" → king`).
  public var matchedExamples: [(token: String, word: String)]
  /// Up to 8 token strings that found no word.
  public var unmatchedExamples: [String]

  /// Fraction of tokens matched.
  public var fraction: Double { tokens > 0 ? Double(matched) / Double(tokens) : 0 }

  /// "3,512 of 4,096 tokens (85.7%) matched a word vector".
  public var description: String {
    "\(matched) of \(tokens) tokens (\(String(format: "%.1f", fraction * 100))%) matched a word vector"
  }
}

extension EmbeddingTable {
  /// Copies `matrix` (for example read from `.npy` or safetensors) into the weights.
  ///
  /// - Parameter source: the file it came from, for the error message.
  /// - Throws: `EmbeddingError.invalidArgument` if its shape is not `rows × dimension`
  ///   (never truncates or pads silently).
  public func load(_ matrix: Matrix, source: String) throws {
    guard matrix.rows == rows, matrix.columns == dimension else {
      throw EmbeddingError.invalidArgument(
        "\(source) holds a \(matrix.rows) × \(matrix.columns) matrix but this table is "
          + "\(rows) × \(dimension); choose the vocabulary size / context length / dimension "
          + "that the file was saved with")
    }
    weights.baseAddress.update(from: matrix.baseAddress, count: matrix.count)
  }

  /// Sets row `r` to the vector of the word matching `tokenStrings[r]`, leaving other rows as they
  /// are (call `fillNormal` first).
  ///
  /// A token matches a word by its exact text, then with a leading space (GPT-2's `Ġ`) removed,
  /// then lower-cased: `" King"` finds `king`.
  ///
  /// Word2Vec vectors are usually far larger than a fresh embedding's values, so with
  /// `matchStandardDeviation` the copied rows are scaled by one factor so that their values'
  /// standard deviation equals it (directions and relative lengths are kept).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if the vectors' dimension differs from the
  ///   table's, or `tokenStrings.count != rows`.
  @discardableResult
  public func initialize(
    from vectors: WordVectors, tokenStrings: [String?], matchStandardDeviation: Float? = nil
  ) throws -> WordVectorMatchReport {
    guard vectors.dimension == dimension else {
      throw EmbeddingError.invalidArgument(
        "the word vectors have dimension \(vectors.dimension) but the embedding has "
          + "\(dimension); train or choose vectors of dimension \(dimension)")
    }
    guard tokenStrings.count == rows else {
      throw EmbeddingError.invalidArgument(
        "\(tokenStrings.count) token strings for a table of \(rows) rows")
    }
    var report = WordVectorMatchReport(
      tokens: 0, matched: 0, matchedExamples: [], unmatchedExamples: [])
    var pairs: [(row: Int, source: Int)] = []
    for (row, token) in tokenStrings.enumerated() {
      guard let token, row != paddingIndex else { continue }
      report.tokens += 1
      if let (word, index) = Self.match(token, in: vectors) {
        pairs.append((row, index))
        if report.matchedExamples.count < 8 { report.matchedExamples.append((token, word)) }
      } else if report.unmatchedExamples.count < 8 {
        report.unmatchedExamples.append(token)
      }
    }
    report.matched = pairs.count
    var scale: Float = 1
    if let target = matchStandardDeviation, !pairs.isEmpty {
      var sum = 0.0
      var squares = 0.0
      for p in pairs {
        let v = vectors.matrix.rowPointer(p.source)
        for c in 0..<dimension {
          sum += Double(v[c])
          squares += Double(v[c]) * Double(v[c])
        }
      }
      let n = Double(pairs.count * dimension)
      let sd = (max(0, squares / n - (sum / n) * (sum / n))).squareRoot()
      if sd > 0 { scale = target / Float(sd) }
    }
    for p in pairs {
      let src = vectors.matrix.rowPointer(p.source)
      let dst = weights.rowPointer(p.row)
      for c in 0..<dimension { dst[c] = src[c] * scale }
    }
    return report
  }

  /// The word for a token string: exact, without a leading space/`Ġ`, then lower-cased.
  static func match(_ token: String, in vectors: WordVectors) -> (String, Int)? {
    var candidates = [token]
    if let first = token.first, first == " " || first == "Ġ" {
      candidates.append(String(token.dropFirst()))
    }
    for c in candidates where c != c.lowercased() { candidates.append(c.lowercased()) }
    for c in candidates where !c.isEmpty {
      if let i = vectors.index(of: c) { return (c, i) }
    }
    return nil
  }
}

extension InputEmbeddingLayer {
  /// Loads GPT-2-style `wte` and `wpe` from a `.safetensors` file (`wte.weight`,
  /// `transformer.wte.weight`, … are found by name).
  ///
  /// - Parameter contextLength: keep only the first positions of `wpe` if given (it must not
  ///   exceed the table's rows; a shorter table is an error, never padded).
  /// - Throws: `EmbeddingError.malformed` if a tensor is missing or malformed,
  ///   `.invalidArgument` if the two dimensions differ or `contextLength` is too long.
  public convenience init(safetensorsPath path: String, contextLength: Int? = nil) throws {
    let file = try SafetensorsFile(path: path)
    let wte = try file.tensor(named: "wte")
    let wpe = try file.tensor(named: "wpe")
    try self.init(wte: wte, wpe: wpe, source: path, contextLength: contextLength)
  }

  /// Loads `wte` (vocabulary × dim) and `wpe` (context × dim) from two `.npy` files.
  ///
  /// - Throws: as `init(safetensorsPath:contextLength:)`.
  public convenience init(
    tokenEmbeddingPath: String, positionEmbeddingPath: String, contextLength: Int? = nil
  ) throws {
    let wte = try NumpyArrayFile.read(path: tokenEmbeddingPath)
    let wpe = try NumpyArrayFile.read(path: positionEmbeddingPath)
    try self.init(
      wte: wte, wpe: wpe, source: "\(tokenEmbeddingPath) / \(positionEmbeddingPath)",
      contextLength: contextLength)
  }

  private convenience init(wte: Matrix, wpe: Matrix, source: String, contextLength: Int?) throws {
    guard wte.columns == wpe.columns else {
      throw EmbeddingError.invalidArgument(
        "\(source): wte is \(wte.rows) × \(wte.columns) but wpe is \(wpe.rows) × "
          + "\(wpe.columns); their dimensions must be equal")
    }
    var positions = wpe
    if let t = contextLength {
      guard t >= 1, t <= wpe.rows else {
        throw EmbeddingError.invalidArgument(
          "\(source): context length \(t) is longer than the saved positional table "
            + "(\(wpe.rows) positions)")
      }
      if t < wpe.rows {
        positions = Matrix(rows: t, columns: wpe.columns)
        positions.baseAddress.update(from: wpe.baseAddress, count: t * wpe.columns)
      }
    }
    try self.init(
      tokenEmbedding: EmbeddingTable(weights: wte),
      positionEmbedding: EmbeddingTable(weights: positions))
  }
}
