import ArgumentParser
import EmbeddingCore
import Foundation
import DocumentVectors
import Retrieval
import SentenceEmbeddings

/// `--encoder KIND --model PATH`: which `TextEncoder` embeds chunks and queries.
///
/// `none` builds a BM25-only index. The choice is recorded in the index (attribute `encoder`), so
/// `embed search` loads the same encoder without options.
struct IndexEncoderOptions: ParsableArguments {
  @Option(
    help:
      "Encoder kind: \(EncoderSpec.kinds.joined(separator: ", ")) (default: recorded in the index, else none)."
  )
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
enum EncoderFactory {
  /// Kinds besides `none`.
  static let kinds: [String] = ["transformer", "static"]

  /// Loads an encoder of `kind` from `model` (a model folder or a name `ModelLocator` finds).
  static func load(kind: String, model: String?) throws -> any TextEncoder {
    switch kind {
    case "transformer":
      guard let model else {
        throw ValidationError(
          "--encoder transformer needs --model (a sentence-transformers folder)")
      }
      return try SentenceEncoder(directory: try ModelLocator.locate(model))
    case "static":
      // A static model file from `embed distill`; without --model, the one shipped with embed.
      return try model.map { try StaticEncoder(path: $0) } ?? ShippedStaticModel.encoder()
    default:
      throw ValidationError("encoder '\(kind)' is not available in this build")
    }
  }
}
