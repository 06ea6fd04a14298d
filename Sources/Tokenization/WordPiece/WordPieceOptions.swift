// Options and output of the WordPiece tokenizer (Hugging Face BertTokenizerFast semantics).

/// How a ``WordPieceTokenizer`` normalizes text and which special tokens it uses.
///
/// The fields mirror Hugging Face's `BertNormalizer` (`clean_text`, `handle_chinese_chars`,
/// `strip_accents`, `lowercase`) and the `WordPiece` model (`unk_token`,
/// `continuing_subword_prefix`, `max_input_chars_per_word`). The defaults are those of
/// `bert-base-uncased` and all-MiniLM-L6-v2.
///
/// ```swift
/// var cased = WordPieceOptions()
/// cased.lowercase = false  // accents are kept too, since stripAccents follows lowercase
/// ```
public struct WordPieceOptions: Sendable, Equatable {
  /// Lower-case every character (Rust `char::to_lowercase`, which may yield several).
  public var lowercase: Bool = true
  /// Decompose (NFD) and drop non-spacing marks; `nil` follows `lowercase`, as HF does.
  public var stripAccents: Bool? = nil
  /// Put spaces around CJK ideographs so each becomes its own word.
  public var tokenizeChineseChars: Bool = true
  /// Drop NUL, U+FFFD and control/format characters; turn whitespace into a space.
  public var cleanText: Bool = true
  /// The token of a word that cannot be split into vocabulary pieces.
  public var unknownToken = "[UNK]"
  /// The token put before every encoded text.
  public var classToken = "[CLS]"
  /// The token put after every encoded text.
  public var separatorToken = "[SEP]"
  /// The token used to pad batches.
  public var paddingToken = "[PAD]"
  /// The prefix of pieces that continue a word.
  public var continuingSubwordPrefix = "##"
  /// Words longer than this (in Unicode scalars, after normalization) become one unknown token.
  public var maxInputCharsPerWord = 100
  /// Further special tokens matched verbatim in the input before normalization (HF added
  /// tokens); those absent from the vocabulary are ignored.
  public var additionalSpecialTokens: [String] = ["[MASK]"]

  /// The uncased BERT defaults.
  public init() {}

  /// Whether accents are stripped: `stripAccents`, or `lowercase` when it is `nil`.
  public var stripsAccents: Bool { stripAccents ?? lowercase }
}

/// The token IDs of one text, with where each came from.
///
/// `ids` is `[CLS] pieces… [SEP]`. `spans[i]` is the UTF-8 byte range in the input of
/// `ids[i]`, as Hugging Face's offsets (converted to bytes): `[CLS]` and `[SEP]` get `0..<0`;
/// an `[UNK]` standing for a whole word covers that word; a piece made from characters that
/// normalization expanded or removed covers the original characters it came from.
public struct WordPieceEncoding: Sendable, Equatable {
  /// `[CLS]` pieces… `[SEP]`, truncated so `ids.count <= maxLength`.
  public var ids: [Int32]
  /// The UTF-8 byte range in the input of each ID (`0..<0` for `[CLS]`/`[SEP]`).
  public var spans: [Range<Int>]
  /// True when the untruncated encoding was longer than `maxLength`.
  public var truncated: Bool

  /// An encoding from its parts.
  public init(ids: [Int32], spans: [Range<Int>], truncated: Bool) {
    self.ids = ids
    self.spans = spans
    self.truncated = truncated
  }
}
