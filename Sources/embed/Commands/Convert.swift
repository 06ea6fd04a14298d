import ArgumentParser
import EmbeddingKit

/// `embed convert IN OUT`.
struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Convert word vectors between formats.",
    discussion: """
      Reads any supported format (detected from content) and writes OUT in the format named by \
      --to, or guessed from OUT's extension (.bin word2vec binary, .txt word2vec text, .vec \
      fastText, .npy NumPy + .vocab, .safetensors, .ekv native). The native format opens in \
      milliseconds whatever its size. Files are written atomically.

      Formats: \(VectorFormat.allCases.map(\.rawValue).joined(separator: ", ")).

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
  var to: String?

  @OptionGroup var file: VectorFileOptions

  func run() throws {
    let format: VectorFormat
    if let to {
      format = try VectorFormatName.parse(to)
    } else if let guessed = VectorFormat.guess(fromPathExtension: output) {
      format = guessed
    } else {
      throw ValidationError("cannot tell the output format from '\(output)'; pass --to FORMAT")
    }
    let start = MonotonicClock.now()
    let wv = try file.load(input)
    try wv.write(to: output, format: format)
    Terminal.note(
      "wrote \(wv.count) words × \(wv.dimension) dims to \(output) (\(format.rawValue)) in \(String(format: "%.2f", MonotonicClock.now() - start)) s"
    )
  }
}
