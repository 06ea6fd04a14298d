import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed convert IN OUT`.
struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Convert word vectors between formats.",
    discussion: """
      Reads any supported format (detected from content) and writes OUT in the format named by \
      --to, or guessed from OUT's extension (.bin word2vec binary, .txt word2vec text, .vec \
      fastText, .npy NumPy + .vocab, .safetensors, .ekv native). The native format opens in \
      milliseconds whatever its size. Files are written atomically.

      Examples:
        embed convert vectors.bin vectors.ekv
        embed convert glove.6B.100d.txt glove.bin --limit 100000
        embed convert vectors.bin vectors.txt --to glove
      """)

  @Argument(help: "Input file.")
  var input: String

  @Argument(help: "Output file.")
  var output: String

  @Option(help: "Output format (default: from the output file's extension).")
  var to: VectorFormat?

  @OptionGroup var file: VectorFileOptions

  func run() throws {
    let format: VectorFormat
    if let to {
      format = to
    } else if let guessed = VectorFormat.guess(fromPathExtension: output) {
      format = guessed
    } else {
      throw ValidationError("cannot tell the output format from '\(output)'; pass --to FORMAT")
    }
    // A .npy matrix is written with its words in <name>.vocab beside it.
    let vocabularyFile = { (path: String) in
      URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("vocab").path
    }
    try OutputPaths.check(
      [("OUT", output), ("OUT's vocabulary", format == .npy ? vocabularyFile(output) : nil)],
      inputs: [input, file.vocabulary ?? vocabularyFile(input)])
    let start = MonotonicClock.now()
    let wv = try file.load(input)
    try wv.write(to: output, format: format)
    Terminal.note(
      "wrote \(wv.count) words × \(wv.dimension) dims to \(output) (\(format.rawValue)) in \(String(format: "%.2f", MonotonicClock.now() - start)) s"
    )
  }
}
