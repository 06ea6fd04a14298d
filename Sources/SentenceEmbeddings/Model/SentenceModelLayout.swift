import EmbeddingCore
import Foundation

/// How token vectors become one sentence vector (sentence-transformers' `Pooling` module).
public enum Pooling: String, Sendable, CaseIterable {
  /// Average of the token vectors (all-MiniLM-L6-v2, e5, gte).
  case mean
  /// The `[CLS]` token's vector (bge).
  case cls
  /// Element-wise maximum over the tokens.
  case max
  /// Sum of the token vectors divided by √(token count).
  case meanSqrtLength = "mean_sqrt_len"
}

/// What a sentence-transformers model folder says beyond the transformer itself: the module
/// pipeline, the sequence limit, the pooling, normalisation and prompts.
///
/// Files read (all optional except `config.json`; a plain Hugging Face BERT folder gets mean
/// pooling, no normalisation, the model's position limit):
/// - `modules.json`: Transformer → Pooling (its `path`) → optional Normalize, in that order;
/// - `sentence_bert_config.json`: `max_seq_length` (sentence-transformers 2.x);
/// - `tokenizer_config.json`: `model_max_length`, used when the file above has no limit (6.x);
/// - `<pooling path>/config.json`: `pooling_mode` or the `pooling_mode_*_tokens` flags;
/// - `config_sentence_transformers.json`: `prompts` (`"query"`, `"passage"`/`"document"`).
///
/// ```swift
/// let layout = try SentenceModelLayout(directory: "all-MiniLM-L6-v2", maxPositions: 512)
/// layout.maxSequenceLength   // 256 (not tokenizer_config.json's 512)
/// ```
public struct SentenceModelLayout: Sendable, Equatable {
  /// Longest token sequence (with `[CLS]` and `[SEP]`); longer inputs are truncated.
  public var maxSequenceLength: Int
  /// The pooling.
  public var pooling: Pooling
  /// Whether a `Normalize` module follows the pooling.
  public var normalize: Bool
  /// Text put before queries (`prompts.query`), empty if none.
  public var queryPrompt: String
  /// Text put before passages (`prompts.passage` or `prompts.document`), empty if none.
  public var passagePrompt: String

  /// Creates a layout from values.
  public init(
    maxSequenceLength: Int, pooling: Pooling, normalize: Bool, queryPrompt: String = "",
    passagePrompt: String = ""
  ) {
    self.maxSequenceLength = maxSequenceLength
    self.pooling = pooling
    self.normalize = normalize
    self.queryPrompt = queryPrompt
    self.passagePrompt = passagePrompt
  }

  /// Reads the sentence-transformers files of `directory`.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the file when a module is unknown or out of
  ///   order, a pooling mode is unsupported or a limit exceeds `maxPositions`.
  public init(directory: String, maxPositions: Int) throws {
    let fm = FileManager.default
    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
    var poolingPath: String? = nil
    var normalize = false
    let modulesPath = path("modules.json")
    if fm.fileExists(atPath: modulesPath) {
      guard let modules = try JSONFile.any(at: modulesPath) as? [[String: Any]] else {
        throw EmbeddingError.malformed(
          path: modulesPath, location: "byte 0", reason: "a JSON array of modules is expected")
      }
      let kinds = modules.map { (($0["type"] as? String) ?? "").split(separator: ".").last ?? "" }
      for (i, kind) in kinds.enumerated() {
        let expected = i == 0 ? "Transformer" : i == 1 ? "Pooling" : "Normalize"
        guard kind == expected, i < 3 else {
          throw EmbeddingError.malformed(
            path: modulesPath, location: "module \(i)",
            reason: "module \(i) is \"\(modules[i]["type"] ?? "?")\"; the supported pipeline is "
              + "Transformer, Pooling, optionally Normalize")
        }
      }
      if kinds.count >= 2 { poolingPath = modules[1]["path"] as? String ?? "1_Pooling" }
      normalize = kinds.count == 3
      guard kinds.count >= 2 else {
        throw EmbeddingError.malformed(
          path: modulesPath, location: "byte 0",
          reason: "a Transformer module followed by a Pooling module is expected")
      }
    }
    var limit: Int? = nil
    var limitSource = ""
    let sbertPath = path("sentence_bert_config.json")
    if fm.fileExists(atPath: sbertPath),
      let v = try JSONFile.object(at: sbertPath)["max_seq_length"]
    {
      guard let n = v as? Int, n > 0 else {
        throw EmbeddingError.malformed(
          path: sbertPath, location: "key max_seq_length", reason: "a positive integer is expected")
      }
      limit = n
      limitSource = sbertPath
    }
    let tokenizerConfig = path("tokenizer_config.json")
    if limit == nil, fm.fileExists(atPath: tokenizerConfig),
      let n = try JSONFile.object(at: tokenizerConfig)["model_max_length"] as? Int, n > 0,
      n <= 1 << 20
    {
      limit = min(n, maxPositions)
      limitSource = tokenizerConfig
    }
    let maxSequenceLength = limit ?? maxPositions
    guard maxSequenceLength <= maxPositions, maxSequenceLength >= 2 else {
      throw EmbeddingError.malformed(
        path: limitSource, location: "key max_seq_length",
        reason: "the sequence limit \(maxSequenceLength) is outside 2...\(maxPositions) "
          + "(config.json max_position_embeddings)")
    }
    var pooling = Pooling.mean
    if let poolingPath {
      pooling = try Self.readPooling(path(poolingPath + "/config.json"))
    }
    var query = ""
    var passage = ""
    let stConfig = path("config_sentence_transformers.json")
    if fm.fileExists(atPath: stConfig),
      let prompts = try JSONFile.object(at: stConfig)["prompts"] as? [String: String]
    {
      query = prompts["query"] ?? ""
      passage = prompts["passage"] ?? prompts["document"] ?? ""
    }
    self.init(
      maxSequenceLength: maxSequenceLength, pooling: pooling, normalize: normalize,
      queryPrompt: query, passagePrompt: passage)
  }

  /// Reads a `Pooling` module's `config.json`: `pooling_mode` (6.x) or the boolean flags (2.x).
  static func readPooling(_ path: String) throws -> Pooling {
    let object = try JSONFile.object(at: path)
    if let mode = object["pooling_mode"] as? String {
      switch mode {
      case "mean": return .mean
      case "cls": return .cls
      case "max": return .max
      case "mean_sqrt_len_tokens", "mean_sqrt_len": return .meanSqrtLength
      default:
        throw EmbeddingError.malformed(
          path: path, location: "key pooling_mode",
          reason: "pooling_mode \"\(mode)\" is not supported; mean, cls, max or "
            + "mean_sqrt_len_tokens is expected")
      }
    }
    let flags: [(String, Pooling?)] = [
      ("pooling_mode_mean_tokens", .mean), ("pooling_mode_cls_token", .cls),
      ("pooling_mode_max_tokens", .max), ("pooling_mode_mean_sqrt_len_tokens", .meanSqrtLength),
      ("pooling_mode_weightedmean_tokens", nil), ("pooling_mode_lasttoken", nil),
    ]
    let on = flags.filter { (object[$0.0] as? Bool) == true }
    guard on.count == 1, let mode = on[0].1 else {
      throw EmbeddingError.malformed(
        path: path, location: "byte 0",
        reason: "exactly one of pooling_mode_mean_tokens, pooling_mode_cls_token, "
          + "pooling_mode_max_tokens, pooling_mode_mean_sqrt_len_tokens set to true is expected "
          + "(found \(on.map(\.0)))")
    }
    return mode
  }
}
