import ArgumentParser
import EmbeddingKit
import Foundation

/// Options shared by the commands that read a word-vector file.
struct VectorFileOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Format of the vectors file (default: detected from its content).",
      discussion: "One of: \(VectorFormat.allCases.map(\.rawValue).joined(separator: ", ")).",
      valueName: "format"))
  var format: String?

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
      contentsOf: path, format: try format.map(VectorFormatName.parse), options: options)
    if !vectors.loadReport.isClean { Terminal.note("\(path): \(vectors.loadReport)") }
    return vectors
  }
}

/// Parses format names given on the command line.
enum VectorFormatName {
  static func parse(_ name: String) throws -> VectorFormat {
    let aliases: [String: VectorFormat] = [
      "bin": .word2vecBinary, "word2vec": .word2vecBinary, "txt": .word2vecText,
      "text": .word2vecText,
      "vec": .fastTextVec, "fasttext": .fastTextVec, "ekv": .native,
    ]
    if let format = VectorFormat(rawValue: name.lowercased()) ?? aliases[name.lowercased()] {
      return format
    }
    throw ValidationError(
      "unknown format '\(name)'; use one of \(VectorFormat.allCases.map(\.rawValue).joined(separator: ", "))"
    )
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

  static func json(_ neighbours: [Neighbour]) -> [[String: Any]] {
    neighbours.map { ["word": $0.word, "similarity": Double($0.similarity)] }
  }
}

/// Writes a JSON value to standard output.
func printJSON(_ value: Any) throws {
  let data = try JSONSerialization.data(
    withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
  print(String(decoding: data, as: UTF8.self))
}
