import ArgumentParser
import EmbeddingKit
import Foundation

/// Options shared by the commands that encode sentences (encode, similarity): a
/// sentence-transformers model, or a static model file (`embed distill`), or by default the
/// static model shipped with embed.
struct SentenceModelOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Model folder, or a name looked up under $EMBEDDINGKIT_MODELS and the Hugging Face cache, "
        + "or a static model file (.eks from `embed distill`). Default: the static model "
        + "distilled from all-MiniLM-L6-v2 that ships with embed.",
      valueName: "dir-name-or-file"))
  var model: String?

  @Option(help: "Threads ($EMBEDDINGKIT_THREADS, else the number of cores).")
  var threads: Int = Parallelism.defaultThreads

  @Option(help: "Texts per batch (batches are ragged: no padding).")
  var batchSize: Int = 32

  @Option(help: "Keep only the first N dimensions and renormalise (Matryoshka). Default: all.")
  var dimensions: Int?

  @Option(
    help: ArgumentHelp(
      "Text put before every input (e.g. \"query: \"); default: the model's prompt for --role.",
      valueName: "text"))
  var prompt: String?

  @Option(help: "query, passage or plain: selects the model's own prompt when it has one.")
  var role: String = "plain"

  @Option(help: "Linear layers in float32 (exact) or int8 (faster, approximate).")
  var compute: String = "float32"

  /// The text role given by --role.
  func textRole() throws -> TextRole {
    guard let role = TextRole(rawValue: role) else {
      throw ValidationError("--role must be query, passage or plain (got '\(role)')")
    }
    return role
  }

  /// Loads the encoder: the static model file --model names, the shipped static model without
  /// --model, else the transformer (see `load()`).
  func loadEncoder() throws -> LoadedSentenceEncoder {
    guard let model else { return .staticModel(try checkedStatic(ShippedStaticModel.encoder())) }
    if ShippedStaticModel.isStaticModelFile(model) {
      return .staticModel(try checkedStatic(StaticEncoder(path: model)))
    }
    return .transformer(try load())
  }

  /// Refuses the transformer-only options for a static model; applies --threads.
  private func checkedStatic(_ encoder: StaticEncoder) throws -> StaticEncoder {
    if dimensions != nil || prompt != nil || compute != "float32" {
      throw ValidationError(
        "--dimensions, --prompt and --compute apply to a transformer model; a static model "
          + "(\(encoder.descriptor.name)) has fixed \(encoder.dimension)-dimensional vectors "
          + "(distil another with `embed distill --dim N`)")
    }
    var encoder = encoder
    encoder.threads = max(1, threads)
    return encoder
  }

  /// Finds and loads the transformer model with these options.
  func load() throws -> SentenceEncoder {
    var options = SentenceEncoderOptions()
    options.threads = max(1, threads)
    options.batchSize = batchSize
    options.dimensions = dimensions
    guard let mode = ComputeMode(rawValue: compute) else {
      throw ValidationError("--compute must be float32 or int8 (got '\(compute)')")
    }
    options.compute = mode
    if let prompt {
      switch try textRole() {
      case .query: options.queryPrompt = prompt
      case .passage: options.passagePrompt = prompt
      case .plain: options.plainPrompt = prompt
      }
    }
    let directory = try ModelLocator.locate(model ?? "all-MiniLM-L6-v2")
    return try SentenceEncoder(directory: directory, options: options)
  }
}

/// The encoder `SentenceModelOptions` loaded: a transformer or a static model.
enum LoadedSentenceEncoder {
  case transformer(SentenceEncoder)
  case staticModel(StaticEncoder)

  /// The encoder as a `TextEncoder`.
  var encoder: any TextEncoder {
    switch self {
    case .transformer(let e): e
    case .staticModel(let e): e
    }
  }

  /// Encodes `texts`; also returns how many were cut at `tokenLimit`.
  func embed(_ texts: [String], role: TextRole) throws -> (vectors: Matrix, truncated: Int) {
    switch self {
    case .transformer(let e):
      let result = try e.embed(texts, role: role)
      return (result.vectors, result.truncatedCount)
    case .staticModel(let e):
      let result = e.encodeCounting(texts)
      return (result.vectors, result.truncated)
    }
  }

  /// Tokens kept per text.
  var tokenLimit: Int {
    switch self {
    case .transformer(let e): e.model.layout.maxSequenceLength
    case .staticModel(let e): e.maxTokens ?? Int.max
    }
  }
}
