import ArgumentParser
import EmbeddingKit
import Foundation

/// Options shared by the commands that run a sentence-transformers model (encode, similarity).
struct SentenceModelOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Model folder, or a name looked up under $EMBEDDINGKIT_MODELS and the Hugging Face cache.",
      valueName: "dir-or-name"))
  var model: String

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

  /// Finds and loads the model with these options.
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
    let directory = try ModelLocator.locate(model)
    return try SentenceEncoder(directory: directory, options: options)
  }
}
