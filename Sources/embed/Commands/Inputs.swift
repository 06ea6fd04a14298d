import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed inputs`: text → token IDs → sliding-window batches → token + positional embeddings.
struct Inputs: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the LLM input embeddings of a text: batches of token IDs and their vectors.",
    discussion: """
      Does what chapter 2 of "Build a Large Language Model (From Scratch)" does at its end: \
      encodes FILE (plain, .gz or .xz), cuts it into input/target windows exactly like the \
      book's GPTDatasetV1 / create_dataloader_v1 (targets are the inputs shifted by one token), \
      and runs the first batch through a token embedding (vocabulary × dim) plus a learned \
      absolute positional embedding (max-length × dim). Prints the first batch's IDs, the \
      tensor shapes and a few values.

      Weights are seeded N(0, std²) by default (PyTorch's nn.Embedding uses std 1, as the book; \
      the values differ from torch's because the generators differ), or GPT-2-style wte/wpe \
      from --weights model.safetensors or --wte wte.npy --wpe wpe.npy.

      --shuffle uses EmbeddingKit's seeded order (reproducible; not torch's order).

      Examples:
        embed inputs the-verdict.txt --max-length 4 --stride 4 --batch 8 --dim 256
        embed inputs corpus.txt.xz --max-length 256 --stride 128 --batch 4 \\
          --shuffle --seed 7
        embed inputs text.txt --weights gpt2/model.safetensors --max-length 1024
        embed inputs text.txt --json     # the first batch as JSON (diff with Python)
        embed inputs text.txt --json --json-batches 0   # every batch
      """)

  @Argument(help: "A text file (plain, .gz or .xz; '-' = standard input).")
  var file: String

  @Option(help: "Tokenizer (tiktoken-identical BPE).")
  var encoding: EncodingName = .gpt2

  @Option(help: "Tokens per window (the context length).")
  var maxLength = 4

  @Option(help: "Tokens between window starts (= max-length: no overlap).")
  var stride = 4

  @Option(help: "Windows per batch.")
  var batch = 8

  @Option(help: "Embedding dimension (1...12288).")
  var dim = 256

  @Option(help: "Standard deviation of the random initial weights (0 < std <= 1000).")
  var std: Float = 1

  @Option(help: "Seed of the weights and of --shuffle.")
  var seed: UInt64 = 123

  @Flag(help: "Visit windows in a seeded random order.")
  var shuffle = false

  @Flag(help: "Keep a last batch smaller than --batch (the book drops it).")
  var keepLast = false

  @Option(help: "A .safetensors file with wte/wpe tensors (GPT-2 names) to use as weights.")
  var weights: String?

  @Option(help: "A .npy token embedding (vocabulary × dim); needs --wpe.")
  var wte: String?

  @Option(help: "A .npy positional embedding (positions × dim); needs --wte.")
  var wpe: String?

  @Option(help: "How many values of each vector to print.")
  var values = 3

  @Flag(help: "Print batches' inputs and targets as JSON and nothing else.")
  var json = false

  @Option(help: "With --json: how many batches to print (0 = all).")
  var jsonBatches = 1

  func validate() throws {
    if (wte == nil) != (wpe == nil) { throw ValidationError("--wte and --wpe go together") }
    if weights != nil && wte != nil {
      throw ValidationError("use --weights or --wte/--wpe, not both")
    }
    if values < 0 { throw ValidationError("--values must be >= 0") }
    try checkStandardDeviation(std)
    if !(1...EmbeddingTable.maximumDimension).contains(dim) {
      throw ValidationError("--dim must be in 1...\(EmbeddingTable.maximumDimension) (got \(dim))")
    }
  }

  func run() throws {
    let text = try TextTokenIDs(path: file, encoding: encoding, maxBytes: nil)
    let dataset = try SlidingWindowDataset(tokenIDs: text.ids, maxLength: maxLength, stride: stride)
    let loader = try BatchLoader(
      dataset: dataset, batchSize: batch, shuffle: shuffle, dropLast: !keepLast, seed: seed)
    let first = loader.batches(epoch: 0)[0]
    if json {
      let all = loader.batches(epoch: 0)
      let count = jsonBatches > 0 ? min(jsonBatches, all.count) : all.count
      try printJSON(
        all.prefix(count).map { BatchJSON(inputs: $0.inputRows, targets: $0.targetRows) },
        pretty: false)
      return
    }
    let layer: InputEmbeddingLayer
    if let weights {
      layer = try InputEmbeddingLayer(safetensorsPath: weights, contextLength: nil)
    } else if let wte, let wpe {
      layer = try InputEmbeddingLayer(tokenEmbeddingPath: wte, positionEmbeddingPath: wpe)
    } else {
      let estimate = MemoryEstimate.inputLayer(
        vocabularySize: text.encoder.vocabularySize, contextLength: maxLength, dimension: dim,
        batchSize: batch, training: false)
      try estimate.check()
      print("Memory: \(estimate)")
      layer = try InputEmbeddingLayer(
        vocabularySize: text.encoder.vocabularySize, contextLength: maxLength, dimension: dim)
      layer.initializeNormal(standardDeviation: std, seed: seed)
    }
    print(
      "\(file): \(text.bytes) bytes -> \(text.ids.count) \(encoding.rawValue) tokens -> "
        + "\(dataset.count) windows (max length \(maxLength), stride \(stride)) -> "
        + "\(loader.batchCount) batches of \(batch)\(keepLast ? "" : " (last partial batch dropped)")"
    )
    print("\nInputs (token IDs), shape [\(first.batchSize), \(first.contextLength)]:")
    for row in first.inputRows { print("  \(row)") }
    print("Targets (inputs shifted by one):")
    for row in first.targetRows { print("  \(row)") }

    let x = try layer.forward(
      first.inputs, batchSize: first.batchSize, contextLength: first.contextLength)
    let c = layer.dimension
    let k = min(values, c)
    print(
      "\nToken embedding layer: [\(layer.vocabularySize), \(c)]; positional embedding layer: "
        + "[\(layer.contextLength), \(c)]")
    print("Token embeddings shape:      [\(first.batchSize), \(first.contextLength), \(c)]")
    print("Positional embeddings shape: [\(first.contextLength), \(c)]")
    print("Input embeddings shape:      \(x.shape)")
    if k > 0 {
      let id = Int(first.inputs[0])
      print(
        "\n  token \(id) \((text.text(of: id) ?? "?").debugDescription): "
          + "tok[\(id)][:\(k)] = \(formatValues(Array(layer.tokenEmbedding.weights.row(id).prefix(k))))"
      )
      print(
        "  position 0: pos[0][:\(k)] = \(formatValues(Array(layer.positionEmbedding.weights.row(0).prefix(k))))"
      )
      print("  input_embeddings[0, 0, :\(k)] = \(formatValues((0..<k).map { x[0, 0, $0] }))")
      let last = first.contextLength - 1
      print(
        "  input_embeddings[0, \(last), :\(k)] = \(formatValues((0..<k).map { x[0, last, $0] }))")
    }
  }
}

/// Rejects a standard deviation of initial weights that is not a number in (0, 1000]
/// (`nan`, a negative value, or one so large that sums overflow to infinity).
func checkStandardDeviation(_ std: Float) throws {
  guard std.isFinite && std > 0 && std <= 1000 else {
    throw ValidationError("--std must be a number in (0, 1000] (got \(std))")
  }
}

/// One batch in `embed inputs --json` output.
struct BatchJSON: Encodable {
  let inputs: [[Int32]]
  let targets: [[Int32]]
}
