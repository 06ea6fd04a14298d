// The WordPiece tokenizer of BERT-family models, identical to Hugging Face BertTokenizerFast.
import EmbeddingCore

/// Splits text into BERT WordPiece token IDs exactly as Hugging Face `tokenizers`
/// (`BertTokenizerFast`) does.
///
/// The pipeline: special tokens found verbatim in the text (`[CLS]`, `[MASK]`…) are kept
/// whole; the rest goes through `BertNormalizer` (clean text, spaces around CJK ideographs,
/// accent stripping, lower-casing), `BertPreTokenizer` (split on whitespace, isolate
/// punctuation) and the greedy longest-match-first `WordPiece` model with `##`
/// continuations; a word with no full split, or longer than `maxInputCharsPerWord`, becomes
/// one `[UNK]`. `encode` adds `[CLS]` and `[SEP]`.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer.load(directory: modelDirectory)
/// let encoding = tokenizer.encode("Hello, world!", maxLength: 256)
/// encoding.ids  // [101, 7592, 1010, 2088, 999, 102]
/// tokenizer.tokens("unaffable")  // ["una", "##ff", "##able"]
/// ```
///
/// Immutable after construction: one instance may encode from many threads at once.
public final class WordPieceTokenizer: Sendable {
  /// The normalization switches and special tokens.
  public let options: WordPieceOptions
  /// Tokens by ID (`""` for IDs the vocabulary skips).
  let tokensByID: [String]
  /// Pieces that start a word, by their bytes.
  let startPieces: PieceTable
  /// Pieces that continue a word, by their bytes without the `##` prefix.
  let continuationPieces: PieceTable
  /// Special tokens matched verbatim in the input, longest first.
  let addedTokens: [(bytes: [UInt8], id: Int32)]
  /// `addedTokenFirstBytes[b]`: some added token starts with byte `b`.
  let addedTokenFirstBytes: [Bool]
  /// IDs skipped by `decode` (the special tokens).
  let specialIDs: Set<Int32>
  /// The unicode tables (shared by all tokenizers).
  let table: BertScalarTable

  /// The ID of `[CLS]`.
  public let classID: Int32
  /// The ID of `[SEP]`.
  public let separatorID: Int32
  /// The ID of `[PAD]` (0 if the vocabulary has no padding token).
  public let paddingID: Int32
  /// The ID of `[UNK]`.
  public let unknownID: Int32

  /// A tokenizer over `vocabulary`, where a token's ID is its index (the order of vocab.txt).
  ///
  /// ```swift
  /// let tokenizer = try WordPieceTokenizer(vocabulary: lines, options: WordPieceOptions())
  /// ```
  /// - Throws: `EmbeddingError.invalidArgument` for a duplicate token, or when the unknown,
  ///   class or separator token is missing.
  /// - Complexity: O(vocabulary bytes).
  public convenience init(vocabulary: [String], options: WordPieceOptions) throws(EmbeddingError) {
    var ids: [(String, Int32)] = []
    ids.reserveCapacity(vocabulary.count)
    var seen: [String: Int] = [:]
    for (index, token) in vocabulary.enumerated() {
      if let first = seen[token] {
        throw .invalidArgument(
          "WordPiece vocabulary: token '\(token)' appears twice (entries \(first) and \(index));"
            + " each token must have one ID")
      }
      seen[token] = index
      ids.append((token, Int32(index)))
    }
    let special =
      [options.unknownToken, options.classToken, options.separatorToken, options.paddingToken]
      + options.additionalSpecialTokens
    try self.init(
      vocabulary: ids, options: options, addedTokens: special.map { ($0, true) },
      source: "WordPiece vocabulary")
  }

  /// The designated initializer: `(token, id)` pairs, and the added tokens matched verbatim in
  /// the input (`special` ones are skipped by `decode`); added tokens missing from the
  /// vocabulary are ignored. `source` names the file in error messages.
  init(
    vocabulary: [(String, Int32)], options: WordPieceOptions,
    addedTokens: [(content: String, special: Bool)], source: String
  ) throws(EmbeddingError) {
    guard options.maxInputCharsPerWord >= 0 else {
      throw .invalidArgument("maxInputCharsPerWord must be >= 0")
    }
    var byToken: [String: Int32] = [:]
    var maxID: Int32 = -1
    for (token, id) in vocabulary {
      guard id >= 0 else { throw .invalidArgument("\(source): token '\(token)' has a negative ID") }
      byToken[token] = id
      maxID = max(maxID, id)
    }
    func required(_ token: String, _ role: String) throws(EmbeddingError) -> Int32 {
      guard let id = byToken[token] else {
        throw .invalidArgument(
          "\(source): the \(role) token '\(token)' is not in the vocabulary; every BERT"
            + " vocabulary has it (is this a WordPiece vocab.txt?)")
      }
      return id
    }
    unknownID = try required(options.unknownToken, "unknown")
    classID = try required(options.classToken, "class")
    separatorID = try required(options.separatorToken, "separator")
    paddingID = byToken[options.paddingToken] ?? 0

    var names = [String](repeating: "", count: Int(maxID) + 1)
    let prefix = Array(options.continuingSubwordPrefix.utf8)
    var starts: [([UInt8], Int32)] = []
    var continuations: [([UInt8], Int32)] = []
    for (token, id) in vocabulary {
      names[Int(id)] = token
      let bytes = Array(token.utf8)
      if !prefix.isEmpty && bytes.starts(with: prefix) {
        continuations.append((Array(bytes[prefix.count...]), id))
      }
      starts.append((bytes, id))
    }
    tokensByID = names
    startPieces = PieceTable(starts)
    continuationPieces = PieceTable(continuations)

    var added: [(bytes: [UInt8], id: Int32)] = []
    var special = Set<Int32>()
    var first = [Bool](repeating: false, count: 256)
    for (content, isSpecial) in addedTokens {
      guard let id = byToken[content], !content.isEmpty else { continue }
      if isSpecial { special.insert(id) }
      let bytes = Array(content.utf8)
      if added.contains(where: { $0.bytes == bytes }) { continue }
      added.append((bytes, id))
      first[Int(bytes[0])] = true
    }
    self.addedTokens = added.sorted { $0.bytes.count > $1.bytes.count }
    addedTokenFirstBytes = first
    specialIDs = special
    self.options = options
    table = BertScalarTable.shared
  }

  /// The number of IDs (the largest ID + 1).
  public var vocabularySize: Int { tokensByID.count }

  /// The ID of `token`, if it is in the vocabulary.
  ///
  /// ```swift
  /// tokenizer.id(of: "[CLS]")  // 101
  /// ```
  public func id(of token: String) -> Int32? {
    var bytes = Array(token.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return nil }
      return startPieces.id(base, buffer.count)
    }
  }

  /// The token of `id`, if it is in the vocabulary.
  public func token(of id: Int32) -> String? {
    guard id >= 0 && Int(id) < tokensByID.count, !tokensByID[Int(id)].isEmpty else { return nil }
    return tokensByID[Int(id)]
  }
}
