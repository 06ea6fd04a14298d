import ArgumentParser
import EmbeddingKit
import Foundation

/// Options shared by the commands that read a word-vector file.
struct VectorFileOptions: ParsableArguments {
  @Option(help: "Format of the vectors file (default: detected from its content).")
  var format: VectorFormat?

  @Option(help: "Read only the first N words (the most frequent, in most files). Default: all.")
  var limit: Int?

  @Flag(help: "Keep NaN/infinite values instead of failing on them.")
  var allowNonFinite = false

  @Flag(help: "Replace invalid UTF-8 in words with U+FFFD instead of failing.")
  var replaceInvalidUTF8 = false

  @Option(help: "Vocabulary file for a .npy/safetensors matrix (default: <matrix>.vocab).")
  var vocabulary: String?

  @Option(
    help:
      "Tensor holding the vectors in a safetensors file (default: 'vectors' or the only 2-D tensor)."
  )
  var tensor: String?

  /// Loads `path` with these options, reporting any recovery on stderr.
  func load(_ path: String) throws -> WordVectors {
    let options = VectorLoadOptions(
      limit: limit, nonFinite: allowNonFinite ? .allow : .reject,
      invalidUTF8: replaceInvalidUTF8 ? .replace : .reject, vocabularyPath: vocabulary,
      tensorName: tensor)
    let vectors = try WordVectors.load(
      contentsOf: path, format: format, options: options)
    if !vectors.loadReport.isClean { Terminal.note("\(path): \(vectors.loadReport)") }
    return vectors
  }
}

/// Prints neighbours as an aligned table.
enum NeighbourTable {
  static func print(_ neighbours: [Neighbour]) {
    let width = max(4, neighbours.map(\.word.count).max() ?? 4)
    for (i, n) in neighbours.enumerated() {
      Swift.print(
        "\(String(format: "%3d", i + 1))  \(n.word.padding(toLength: width, withPad: " ", startingAt: 0))  \(String(format: "%.4f", n.similarity))"
      )
    }
  }
}

/// One neighbour in JSON output.
struct NeighbourJSON: Encodable {
  let word: String
  let similarity: Double

  init(_ neighbour: Neighbour) {
    word = neighbour.word
    similarity = Double(neighbour.similarity)
  }
}

/// Writes a value as pretty-printed JSON (keys sorted) to standard output.
func printJSON<T: Encodable>(_ value: T, pretty: Bool = true) throws {
  let encoder = JSONEncoder()
  encoder.outputFormatting =
    pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
  encoder.nonConformingFloatEncodingStrategy = .convertToString(
    positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
  print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Rejects `--top` below 1 and `--restrict` below 1 (they would print nothing).
func checkTopAndRestrict(top: Int, restrict: Int?) throws {
  if top < 1 { throw ValidationError("--top must be at least 1 (got \(top))") }
  if let restrict, restrict < 1 {
    throw ValidationError("--restrict must be at least 1 (got \(restrict))")
  }
}
