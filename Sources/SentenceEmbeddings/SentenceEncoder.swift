import EmbeddingCore
import Foundation
import Tokenization

/// Options of a `SentenceEncoder`; every default is what sentence-transformers does.
///
/// ```swift
/// var options = SentenceEncoderOptions()
/// options.dimensions = 128          // Matryoshka: keep the first 128, renormalise
/// options.queryPrompt = "query: "   // e5-style prefix for TextRole.query
/// ```
public struct SentenceEncoderOptions: Sendable {
  /// Threads for the tokenizer and the encoder (default: all cores).
  public var threads: Int = Parallelism.defaultThreads
  /// Texts per ragged batch; memory is about `batchSize × tokens × (3·hidden + FFN) × 4` bytes.
  public var batchSize: Int = 32
  /// Keep only the first N dimensions, then renormalise to unit length (nil: all).
  public var dimensions: Int? = nil
  /// Prefix for `TextRole.query` texts (nil: the model's `prompts.query`, if any).
  public var queryPrompt: String? = nil
  /// Prefix for `TextRole.passage` texts (nil: the model's `prompts.passage`/`document`).
  public var passagePrompt: String? = nil
  /// Prefix for `TextRole.plain` texts (default none).
  public var plainPrompt: String = ""
  /// Float32 (exact) or int8 matrix products.
  public var compute: ComputeMode = .float32
  /// When set, receives the time of each stage of the forward pass (for profiling).
  public var profile: ForwardProfile? = nil

  /// Default options.
  public init() {}
}

/// The vectors of a batch of texts and how many of them were cut to the sequence limit.
public struct SentenceEmbeddingResult: Sendable {
  /// [texts × dimension], row `i` for text `i`.
  public let vectors: Matrix
  /// Inputs longer than the model's `max_seq_length` (truncated like sentence-transformers).
  public let truncatedCount: Int
}

/// A sentence-transformers model (BERT family) as a `TextEncoder`: texts → WordPiece ids →
/// transformer → pooled, normalised vectors, equal to sentence-transformers' `encode`.
///
/// Texts are tokenised on all threads, sorted by length and encoded in ragged batches (no
/// padding work). Inputs longer than `max_seq_length` tokens are cut like
/// sentence-transformers (keep the first `max − 2` word pieces, then `[SEP]`).
///
/// ```swift
/// let encoder = try SentenceEncoder(directory: "all-MiniLM-L6-v2")
/// let v = try encoder.encode(["A man is playing a guitar.", "Someone plays music."], role: .plain)
/// VectorKernels.dot(v.rowPointer(0), v.rowPointer(1), v.columns)   // cosine, ≈ 0.6
/// ```
public final class SentenceEncoder: TextEncoder {
  /// The transformer and its pooling.
  public let model: BertModel
  /// The model's WordPiece tokenizer.
  public let tokenizer: WordPieceTokenizer
  /// The options in force.
  public let options: SentenceEncoderOptions
  /// Identity recorded by indexes.
  public let descriptor: EncoderDescriptor

  /// Loads the model folder `directory` (see `BertModel` and `WordPieceTokenizer.load`).
  ///
  /// - Throws: `EmbeddingError` naming the file when a file is missing or inconsistent, or
  ///   `.invalidArgument` for options out of range (dimensions, batch size).
  public init(directory: String, options: SentenceEncoderOptions = SentenceEncoderOptions()) throws
  {
    model = try BertModel(directory: directory, compute: options.compute)
    tokenizer = try WordPieceTokenizer.load(directory: URL(fileURLWithPath: directory))
    guard tokenizer.vocabularySize <= model.config.vocabularySize else {
      throw EmbeddingError.malformed(
        path: directory, location: "vocabulary",
        reason: "the tokenizer has \(tokenizer.vocabularySize) tokens but config.json vocab_size "
          + "is \(model.config.vocabularySize); the tokenizer files and the model disagree")
    }
    if let d = options.dimensions, d < 1 || d > model.dimension {
      throw EmbeddingError.invalidArgument(
        "dimensions must be in 1...\(model.dimension) for this model (got \(d))")
    }
    guard options.batchSize >= 1 else {
      throw EmbeddingError.invalidArgument("batch size must be at least 1")
    }
    self.options = options
    let name = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
    let layout = model.layout
    descriptor = EncoderDescriptor(
      kind: "transformer", name: name, dimension: options.dimensions ?? model.dimension,
      fingerprint: try WeightsFingerprint.of(path: model.weightsPath)
        + (options.compute == .int8 ? "-int8" : ""),
      pooling: layout.pooling.rawValue, normalized: layout.normalize || options.dimensions != nil,
      queryPrefix: options.queryPrompt ?? layout.queryPrompt,
      passagePrefix: options.passagePrompt ?? layout.passagePrompt)
  }

  /// The prefix put before texts of `role`.
  public func prompt(for role: TextRole) -> String {
    switch role {
    case .query: descriptor.queryPrefix
    case .passage: descriptor.passagePrefix
    case .plain: options.plainPrompt
    }
  }

  /// Encodes `texts` to a [texts × dimension] matrix (see `embed` for the truncation count).
  public func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    try embed(texts, role: role).vectors
  }

  /// Encodes `texts`, reporting progress after each batch and counting truncated inputs.
  ///
  /// - Complexity: O(total tokens) tokenisation plus the transformer's cost per batch.
  public func embed(
    _ texts: [String], role: TextRole = .plain, progress: ProgressHandler? = nil,
    cancellation: CancellationToken? = nil
  ) throws -> SentenceEmbeddingResult {
    let prefix = prompt(for: role)
    let inputs = prefix.isEmpty ? texts : texts.map { prefix + $0 }
    let encodings = tokenizer.encodeBatch(
      inputs, maxLength: model.layout.maxSequenceLength, threads: options.threads)
    let order = (0..<texts.count).sorted { encodings[$0].ids.count < encodings[$1].ids.count }
    let full = Matrix(rows: texts.count, columns: model.dimension)
    let start = MonotonicClock.now()
    var done = 0
    while done < order.count {
      if cancellation?.isCancelled == true { throw EmbeddingError.cancelled }
      let slice = order[done..<min(order.count, done + options.batchSize)]
      let rows = try model.embed(
        tokenIDs: slice.map { encodings[$0].ids }, threads: options.threads,
        profile: options.profile)
      for (k, i) in slice.enumerated() {
        full.rowPointer(i).update(from: rows.rowPointer(k), count: model.dimension)
      }
      done += slice.count
      progress?(
        ProgressReport(
          stage: "encode", completed: done, total: texts.count, unit: "texts",
          elapsed: MonotonicClock.now() - start))
    }
    let truncated = encodings.reduce(0) { $0 + ($1.truncated ? 1 : 0) }
    return SentenceEmbeddingResult(vectors: truncate(full), truncatedCount: truncated)
  }

  /// Matryoshka: the first `options.dimensions` columns, renormalised (the matrix itself when
  /// no dimension is set).
  func truncate(_ full: Matrix) -> Matrix {
    guard let d = options.dimensions, d < full.columns else { return full }
    let out = Matrix(rows: full.rows, columns: d)
    for r in 0..<full.rows {
      out.rowPointer(r).update(from: full.rowPointer(r), count: d)
      _ = VectorKernels.normalize(out.rowPointer(r), d)
    }
    return out
  }

  /// UTF-8 byte ranges of the word pieces of `text`, without `[CLS]`/`[SEP]` and untruncated.
  public func tokenSpans(of text: String) -> [Range<Int>] {
    let encoding = tokenizer.encode(text, maxLength: nil)
    return Array(encoding.spans.dropFirst().dropLast())
  }
}
