import ArgumentParser
import EmbeddingCore
import DocumentVectors
import Foundation
import Retrieval
import SentenceEmbeddings

/// `--encoder KIND --model PATH`: which `TextEncoder` embeds chunks and queries.
///
/// `none` builds a BM25-only index. The choice is recorded in the index (attribute `encoder`), so
/// `embed search` loads the same encoder without options.
struct IndexEncoderOptions: ParsableArguments {
  @Option(
    help:
      ArgumentHelp(
        "Encoder kind: \(EncoderSpec.kinds.joined(separator: ", ")) (default: recorded in the index, else none).",
        discussion: EncoderFactory.help))
  var encoder: String?

  @Option(help: "Model folder or file for the encoder.")
  var model: String?

  /// The encoder spec from the options, or the one recorded in `indexPath`.
  func spec(recordedIn indexPath: String?) throws -> EncoderSpec {
    if let encoder {
      return try EncoderSpec(kind: encoder, model: model)
    }
    if let model {
      let kind =
        ShippedStaticModel.isStaticModelFile(model) ? "static" : EncoderSpec.defaultModelKind
      return try EncoderSpec(kind: kind, model: model)
    }
    if let indexPath, FileManager.default.fileExists(atPath: indexPath) {
      let index = try RetrievalIndex(path: indexPath, encoder: nil)
      if let text = try index.attribute("encoder"), let spec = EncoderSpec(recorded: text) {
        return spec
      }
    }
    return try EncoderSpec(kind: "none", model: nil)
  }
}

/// An encoder kind and its model path, as recorded in an index (`kind:path`).
struct EncoderSpec: Equatable {
  /// The kinds this build knows.
  static let kinds = ["none"] + EncoderFactory.kinds
  /// The kind taken when only --model is given.
  static var defaultModelKind: String { EncoderFactory.kinds.first ?? "none" }

  var kind: String
  var model: String?

  init(kind: String, model: String?) throws {
    guard Self.kinds.contains(kind) else {
      throw ValidationError(
        "unknown encoder '\(kind)'; use one of: \(Self.kinds.joined(separator: ", "))")
    }
    self.kind = kind
    self.model = model.map {
      FileManager.default.fileExists(atPath: $0)
        ? URL(fileURLWithPath: $0).standardizedFileURL.path : $0
    }
  }

  init?(recorded: String) {
    let parts = recorded.split(separator: ":", maxSplits: 1).map(String.init)
    guard let kind = parts.first, Self.kinds.contains(kind) else { return nil }
    self.kind = kind
    self.model = parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil
  }

  var recorded: String { kind + ":" + (model ?? "") }

  /// Loads the encoder (nil for `none`).
  func load() throws -> (any TextEncoder)? {
    if kind == "none" { return nil }
    return try EncoderFactory.load(kind: kind, model: model)
  }
}

/// The encoders that `--encoder` can name; each case loads one `TextEncoder` type.
///
/// | kind | --model | encoder |
/// | --- | --- | --- |
/// | transformer | sentence-transformers folder or name | `SentenceEncoder`, float32 |
/// | transformer-int8 | the same | `SentenceEncoder`, int8 linear layers |
/// | sif | a SIF model (`embed sif fit`) | `PooledWordEncoder` SIF over its word vectors |
/// | mean | a SIF model, or a word-vectors file | `PooledWordEncoder`, plain mean |
/// | doc2vec | a Doc2Vec model (`embed doc2vec train`) | `Doc2Vec` inference |
/// | static | a `.eks` file from `embed distill` (optional) | `StaticEncoder` |
enum EncoderFactory {
  /// Kinds besides `none`.
  static let kinds: [String] = [
    "transformer", "transformer-int8", "sif", "mean", "doc2vec", "static",
  ]

  /// One line per kind, for --help.
  static let help = """
    transformer (a sentence-transformers folder), transformer-int8 (the same, int8 linear layers), \
    sif (a model from `embed sif fit`), mean (the mean of word vectors: a SIF model's vectors and \
    word normalisation, or a word-vectors file with text8-style words), doc2vec (a model from \
    `embed doc2vec train`; vectors inferred), static (a static model from `embed distill`, .eks; \
    without --model, the one shipped with embed)
    """

  /// Loads an encoder of `kind` from `model` (a model folder or a name `ModelLocator` finds).
  static func load(kind: String, model: String?) throws -> any TextEncoder {
    if kind == "static" {
      // A static model file from `embed distill`; without --model, the one shipped with embed.
      return try model.map { try StaticEncoder(path: $0) } ?? ShippedStaticModel.encoder()
    }
    guard let model else {
      throw ValidationError("--encoder \(kind) needs --model (\(modelHint(kind)))")
    }
    switch kind {
    case "transformer", "transformer-int8":
      var options = SentenceEncoderOptions()
      options.compute = kind == "transformer" ? .float32 : .int8
      return try SentenceEncoder(directory: try ModelLocator.locate(model), options: options)
    case "sif":
      return try PooledWordEncoder.loadSIF(model: model)
    case "mean":
      if try isSIFModel(model) { return try PooledWordEncoder.loadSIF(model: model, mean: true) }
      return try PooledWordEncoder.loadMean(vectors: model, normalization: .text8)
    case "doc2vec":
      return try Doc2Vec.load(from: model)
    default:
      throw ValidationError("encoder '\(kind)' is not available in this build")
    }
  }

  /// What --model names for `kind`.
  static func modelHint(_ kind: String) -> String {
    switch kind {
    case "sif": "a SIF model file from `embed sif fit`"
    case "mean": "a SIF model file or a word-vectors file"
    case "doc2vec": "a Doc2Vec model file from `embed doc2vec train`"
    default: "a sentence-transformers folder"
    }
  }

  /// Whether the file at `path` starts with the SIF model magic.
  static func isSIFModel(_ path: String) throws -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw EmbeddingError.io(path: path, reason: "cannot open the model file")
    }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 8)) ?? Data()
    return head == Data("EKSIFMDL".utf8)
  }
}
