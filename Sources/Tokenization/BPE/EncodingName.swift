import EmbeddingCore
import Foundation

/// The OpenAI encodings EmbeddingKit knows by name.
///
/// ```swift
/// let encoder = try BytePairEncoder.named(.cl100k_base)
/// ```
public enum EncodingName: String, CaseIterable, Sendable {
  /// GPT-2 (50,257 tokens); identical to `r50k_base`.
  case gpt2
  /// GPT-2's vocabulary under tiktoken's file name.
  case r50k_base
  /// GPT-3.5 / GPT-4 (100,277 IDs).
  case cl100k_base
  /// GPT-4o (200,019 IDs).
  case o200k_base

  /// The pre-tokenization pattern.
  public var preTokenizer: PreTokenizer {
    switch self {
    case .gpt2, .r50k_base: return .gpt2
    case .cl100k_base: return .cl100k
    case .o200k_base: return .o200k
    }
  }

  /// The special tokens, as tiktoken 0.14 defines them.
  public var specialTokens: [String: Int] {
    switch self {
    case .gpt2, .r50k_base: return ["<|endoftext|>": 50256]
    case .cl100k_base:
      return [
        "<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
        "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276,
      ]
    case .o200k_base: return ["<|endoftext|>": 199999, "<|endofprompt|>": 200018]
    }
  }

  /// The number of mergeable tokens the rank file must hold (a check against truncation).
  public var mergeableTokenCount: Int {
    switch self {
    case .gpt2, .r50k_base: return 50256
    case .cl100k_base: return 100256
    case .o200k_base: return 199998
    }
  }

  /// The rank file's base name (`cl100k_base.tiktoken`).
  var fileName: String {
    switch self {
    case .gpt2, .r50k_base: return "r50k_base.tiktoken"
    case .cl100k_base: return "cl100k_base.tiktoken"
    case .o200k_base: return "o200k_base.tiktoken"
    }
  }
}

extension BytePairEncoder {
  /// Loads one of OpenAI's encodings.
  ///
  /// Loaded encoders are cached, so repeated calls are free.
  ///
  /// The vocabulary is looked for, in order, in `directory`, in `$EMBEDDINGKIT_TOKENIZERS`,
  /// and in the copy shipped with EmbeddingKit. A directory may hold `<name>.tiktoken` or
  /// `<name>.tiktoken.gz` (`r50k_base.tiktoken` for gpt2), or for gpt2 `encoder.json` +
  /// `vocab.bpe` (directly or in a `gpt2/` subfolder, like `../shared/data/tokenizers`).
  ///
  /// ```swift
  /// let o200k = try BytePairEncoder.named(.o200k_base)
  /// let gpt2 = try BytePairEncoder.named(.gpt2, directory: "../shared/data/tokenizers")
  /// ```
  /// A `.tiktoken` file (shipped or found in a directory) must have the SHA-256 tiktoken expects
  /// for the encoding (listed in `Resources/SOURCES.md`); `encoder.json` + `vocab.bpe` are
  /// converted, not hashed.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the file and line for a corrupt or truncated
  ///   vocabulary, or both hashes when the file's SHA-256 is not the encoding's; `.io` if a file
  ///   cannot be read.
  /// - Complexity: O(vocabulary file size) on the first call (≈0.1–0.3 s in release).
  public static func named(_ name: EncodingName, directory: String? = nil) throws
    -> BytePairEncoder
  {
    let source = try VocabularySource.locate(name, directory: directory)
    return try EncoderCache.shared.encoder(for: "\(name.rawValue)|\(source.cacheKey)") {
      try load(name, from: source)
    }
  }

  /// Loads a `.tiktoken` file (plain or compressed) as an encoding with the given pattern
  /// and special tokens, for example one made by `BytePairTrainer`.
  ///
  /// - Throws: `EmbeddingError.malformed` naming the file and line.
  public static func load(
    tiktokenFile path: String, preTokenizer: PreTokenizer, specialTokens: [String: Int] = [:],
    name: String? = nil
  ) throws -> BytePairEncoder {
    let ranks = try TiktokenFile.read(path: path)
    return try make(
      name: name ?? URL(fileURLWithPath: path).lastPathComponent, preTokenizer: preTokenizer,
      ranks: ranks, specialTokens: specialTokens, path: path, lineCount: ranks.count,
      expectedCount: nil)
  }

  private static func load(_ name: EncodingName, from source: VocabularySource) throws
    -> BytePairEncoder
  {
    let ranks: [(bytes: [UInt8], rank: Int)]
    let path: String
    var contents: [UInt8] = []
    switch source {
    case .tiktoken(let file):
      contents = try TiktokenFile.contents(path: file)
      ranks = try TiktokenFile.parse(contents, path: file)
      path = file
    case .gpt2Files(let encoder, let merges):
      ranks = try GPT2VocabularyFiles.read(encoderJSON: encoder, vocabBPE: merges)
      path = encoder
    }
    if case .tiktoken = source, ranks.count == name.mergeableTokenCount {
      // After the count check's clearer message for a cut file, before building the tables.
      try VocabularyHash.verify(contents, name: name, path: path)
    }
    return try make(
      name: name.rawValue, preTokenizer: name.preTokenizer, ranks: ranks,
      specialTokens: name.specialTokens, path: path, lineCount: ranks.count,
      expectedCount: name.mergeableTokenCount)
  }

  private static func make(
    name: String, preTokenizer: PreTokenizer, ranks: [(bytes: [UInt8], rank: Int)],
    specialTokens: [String: Int], path: String, lineCount: Int, expectedCount: Int?
  ) throws -> BytePairEncoder {
    if let expectedCount, ranks.count != expectedCount {
      throw EmbeddingError.malformed(
        path: path, location: "line \(lineCount)",
        reason: "\(ranks.count) tokens where \(name) has \(expectedCount): the file is "
          + "truncated or not this encoding's vocabulary")
    }
    do {
      return try BytePairEncoder(
        name: name, preTokenizer: preTokenizer, ranks: ranks, specialTokens: specialTokens)
    } catch EmbeddingError.invalidArgument(let reason) {
      throw EmbeddingError.malformed(path: path, location: "line \(lineCount)", reason: reason)
    }
  }
}

/// Where a named encoding's vocabulary comes from.
enum VocabularySource {
  case tiktoken(String)
  case gpt2Files(encoderJSON: String, vocabBPE: String)

  var cacheKey: String {
    switch self {
    case .tiktoken(let path): return path
    case .gpt2Files(let encoder, let merges): return encoder + "|" + merges
    }
  }

  static func locate(_ name: EncodingName, directory: String?) throws -> VocabularySource {
    var searched: [String] = []
    var directories: [String] = []
    if let directory { directories.append(directory) }
    if let env = ProcessInfo.processInfo.environment["EMBEDDINGKIT_TOKENIZERS"], !env.isEmpty {
      directories.append(env)
    }
    let fm = FileManager.default
    for dir in directories {
      for file in [name.fileName, name.fileName + ".gz", name.rawValue + ".tiktoken"] {
        let path = (dir as NSString).appendingPathComponent(file)
        if fm.fileExists(atPath: path) { return .tiktoken(path) }
      }
      if name == .gpt2 || name == .r50k_base {
        for sub in [dir, (dir as NSString).appendingPathComponent("gpt2")] {
          let encoder = (sub as NSString).appendingPathComponent("encoder.json")
          let merges = (sub as NSString).appendingPathComponent("vocab.bpe")
          if fm.fileExists(atPath: encoder) && fm.fileExists(atPath: merges) {
            return .gpt2Files(encoderJSON: encoder, vocabBPE: merges)
          }
        }
      }
      searched.append(dir)
    }
    if let url = Bundle.module.url(
      forResource: name.fileName, withExtension: "gz", subdirectory: "Resources")
    {
      return .tiktoken(url.path)
    }
    searched.append("the vocabularies shipped with EmbeddingKit")
    throw EmbeddingError.io(
      path: name.fileName,
      reason: "not found in \(searched.joined(separator: ", ")); pass a directory holding it "
        + "or set EMBEDDINGKIT_TOKENIZERS")
  }
}

/// Encoders loaded so far, keyed by name and source (a load takes 0.1–0.3 s).
final class EncoderCache: @unchecked Sendable {
  static let shared = EncoderCache()
  private let lock = NSLock()
  private var encoders: [String: BytePairEncoder] = [:]

  func encoder(for key: String, load: () throws -> BytePairEncoder) throws -> BytePairEncoder {
    lock.lock()
    defer { lock.unlock() }
    if let cached = encoders[key] { return cached }
    let encoder = try load()
    encoders[key] = encoder
    return encoder
  }
}
