// Loading a WordPiece tokenizer from a Hugging Face model directory.
import EmbeddingCore
import Foundation

extension WordPieceTokenizer {
  /// Loads the tokenizer of a Hugging Face BERT-family model directory.
  ///
  /// Reads `tokenizer.json` (a fast tokenizer: `model.vocab`, the `BertNormalizer` flags, the
  /// added and special tokens) when present; otherwise `vocab.txt` (one token per line, the
  /// line number is the ID) with `tokenizer_config.json` (`do_lower_case`, `strip_accents`,
  /// `tokenize_chinese_chars`) and `special_tokens_map.json`, both optional.
  ///
  /// ```swift
  /// let tokenizer = try WordPieceTokenizer.load(directory: URL(fileURLWithPath: "all-MiniLM-L6-v2"))
  /// ```
  /// - Throws: `EmbeddingError.io` when neither file exists or one cannot be read;
  ///   `.malformed` for a file that is not what it should be (a model that is not WordPiece,
  ///   a duplicate token…); `.invalidArgument` when a special token is missing.
  public static func load(directory: URL) throws(EmbeddingError) -> WordPieceTokenizer {
    let json = directory.appendingPathComponent("tokenizer.json")
    if FileManager.default.fileExists(atPath: json.path) {
      return try loadTokenizerJSON(json)
    }
    let vocab = directory.appendingPathComponent("vocab.txt")
    guard FileManager.default.fileExists(atPath: vocab.path) else {
      throw .io(
        path: directory.path,
        reason:
          "no tokenizer.json or vocab.txt: expected a Hugging Face BERT tokenizer directory"
          + " (tokenizer.json, or vocab.txt with tokenizer_config.json)")
    }
    return try loadVocabText(vocab, directory: directory)
  }

  /// tokenizer.json of a HF fast tokenizer whose model is WordPiece.
  static func loadTokenizerJSON(_ url: URL) throws(EmbeddingError) -> WordPieceTokenizer {
    let path = url.path
    let root = try readJSONObject(url)
    guard let model = root["model"] as? [String: Any] else {
      throw .malformed(path: path, location: "model", reason: "no \"model\" object")
    }
    let type = model["type"] as? String ?? "(none)"
    guard type == "WordPiece" else {
      throw .malformed(
        path: path, location: "model.type",
        reason: "the model is \(type), expected WordPiece (a BERT-family tokenizer)")
    }
    guard let vocab = model["vocab"] as? [String: Any] else {
      throw .malformed(path: path, location: "model.vocab", reason: "expected a token -> ID map")
    }
    var pairs: [(String, Int32)] = []
    pairs.reserveCapacity(vocab.count)
    var seenIDs: [Int32: String] = [:]
    for (token, value) in vocab {
      guard let number = value as? NSNumber, let id = Int32(exactly: number.doubleValue), id >= 0
      else {
        throw .malformed(
          path: path, location: "model.vocab", reason: "token '\(token)' has no valid ID")
      }
      if let other = seenIDs[id] {
        throw .malformed(
          path: path, location: "model.vocab",
          reason: "tokens '\(other)' and '\(token)' share ID \(id); each ID must be unique")
      }
      seenIDs[id] = token
      pairs.append((token, id))
    }
    pairs.sort { $0.1 < $1.1 }
    var options = WordPieceOptions()
    if let unk = model["unk_token"] as? String { options.unknownToken = unk }
    if let prefix = model["continuing_subword_prefix"] as? String {
      options.continuingSubwordPrefix = prefix
    }
    if let limit = model["max_input_chars_per_word"] as? Int {
      options.maxInputCharsPerWord = limit
    }
    try readNormalizer(root["normalizer"], into: &options, path: path)
    if let pre = root["pre_tokenizer"] as? [String: Any],
      pre["type"] as? String != "BertPreTokenizer"
    {
      throw .malformed(
        path: path, location: "pre_tokenizer",
        reason: "pre-tokenizer \(pre["type"] ?? "?") is not supported, expected BertPreTokenizer")
    }
    readPostProcessor(root["post_processor"], into: &options)
    if let padding = root["padding"] as? [String: Any], let pad = padding["pad_token"] as? String {
      options.paddingToken = pad
    }
    var added: [(content: String, special: Bool)] = []
    for case let token as [String: Any] in root["added_tokens"] as? [Any] ?? [] {
      guard let content = token["content"] as? String else { continue }
      added.append((content, token["special"] as? Bool ?? false))
    }
    options.additionalSpecialTokens = added.filter(\.special).map(\.content).filter {
      ![options.unknownToken, options.classToken, options.separatorToken, options.paddingToken]
        .contains($0)
    }
    return try WordPieceTokenizer(
      vocabulary: pairs, options: options, addedTokens: added, source: path)
  }

  private static func readNormalizer(
    _ value: Any?, into options: inout WordPieceOptions, path: String
  ) throws(EmbeddingError) {
    guard let normalizer = value as? [String: Any] else {
      throw .malformed(
        path: path, location: "normalizer", reason: "expected a BertNormalizer, found none")
    }
    guard normalizer["type"] as? String == "BertNormalizer" else {
      throw .malformed(
        path: path, location: "normalizer",
        reason: "normalizer \(normalizer["type"] ?? "?") is not supported, expected BertNormalizer")
    }
    options.cleanText = normalizer["clean_text"] as? Bool ?? true
    options.tokenizeChineseChars = normalizer["handle_chinese_chars"] as? Bool ?? true
    options.stripAccents = normalizer["strip_accents"] as? Bool
    options.lowercase = normalizer["lowercase"] as? Bool ?? true
  }

  /// `[CLS]`/`[SEP]` from a TemplateProcessing or BertProcessing post-processor.
  private static func readPostProcessor(_ value: Any?, into options: inout WordPieceOptions) {
    guard let processor = value as? [String: Any] else { return }
    if let cls = processor["cls"] as? [Any], let token = cls.first as? String {
      options.classToken = token
    }
    if let sep = processor["sep"] as? [Any], let token = sep.first as? String {
      options.separatorToken = token
    }
    if let single = processor["single"] as? [[String: Any]] {
      func special(_ item: [String: Any]?) -> String? {
        (item?["SpecialToken"] as? [String: Any])?["id"] as? String
      }
      if let first = special(single.first) { options.classToken = first }
      if let last = special(single.last) { options.separatorToken = last }
    }
  }

  /// vocab.txt with the optional tokenizer_config.json and special_tokens_map.json beside it.
  static func loadVocabText(_ url: URL, directory: URL) throws(EmbeddingError)
    -> WordPieceTokenizer
  {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .malformed(path: url.path, location: "byte 0", reason: "not UTF-8 text")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      // Like the Rust WordPiece::read_file: trailing whitespace is not part of a token.
      String($0.reversed().drop(while: \.isWhitespace).reversed())
    }
    if lines.last == "" { lines.removeLast() }
    var seen: [String: Int] = [:]
    for (index, token) in lines.enumerated() {
      if let first = seen[token] {
        throw .malformed(
          path: url.path, location: "line \(index + 1)",
          reason: "token '\(token)' already appears on line \(first + 1); each token must be unique"
        )
      }
      seen[token] = index
    }
    var options = WordPieceOptions()
    let config = directory.appendingPathComponent("tokenizer_config.json")
    let map = directory.appendingPathComponent("special_tokens_map.json")
    for file in [config, map] where FileManager.default.fileExists(atPath: file.path) {
      let object = try readJSONObject(file)
      if let lower = object["do_lower_case"] as? Bool { options.lowercase = lower }
      if object["strip_accents"] is NSNull { options.stripAccents = nil }
      if let strip = object["strip_accents"] as? Bool { options.stripAccents = strip }
      if let cjk = object["tokenize_chinese_chars"] as? Bool { options.tokenizeChineseChars = cjk }
      func token(_ key: String) -> String? {
        if let s = object[key] as? String { return s }
        return (object[key] as? [String: Any])?["content"] as? String
      }
      if let t = token("unk_token") { options.unknownToken = t }
      if let t = token("cls_token") { options.classToken = t }
      if let t = token("sep_token") { options.separatorToken = t }
      if let t = token("pad_token") { options.paddingToken = t }
      if let t = token("mask_token") { options.additionalSpecialTokens = [t] }
    }
    let special =
      [options.unknownToken, options.classToken, options.separatorToken, options.paddingToken]
      + options.additionalSpecialTokens
    return try WordPieceTokenizer(
      vocabulary: lines.enumerated().map { ($0.element, Int32($0.offset)) }, options: options,
      addedTokens: special.map { ($0, true) }, source: url.path)
  }

  private static func readJSONObject(_ url: URL) throws(EmbeddingError) -> [String: Any] {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw .io(path: url.path, reason: "cannot read: \(error.localizedDescription)")
    }
    let object: Any
    do { object = try JSONSerialization.jsonObject(with: data) } catch {
      throw .malformed(path: url.path, location: "byte 0", reason: "not valid JSON")
    }
    guard let dictionary = object as? [String: Any] else {
      throw .malformed(path: url.path, location: "byte 0", reason: "expected a JSON object")
    }
    return dictionary
  }
}
