import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed train-lm`: trains token embeddings for next-token prediction and saves them.
struct TrainLM: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-lm",
    abstract:
      "Train token + positional embeddings in a small next-token model; save the token vectors.",
    discussion: """
      The model is the LLM input layer followed directly by an output projection (tied to the \
      token embedding with --tied, else its own matrix) and softmax cross-entropy on the next \
      token: no attention, so it learns what follows each token. Embeddings trained this way are \
      optimised for the task, unlike fixed Word2Vec vectors.

      FILE (plain, .gz or .xz) is encoded with --encoding; the last --validation fraction of the \
      tokens is held out. For speed the model only has rows for tokens that occur in the \
      training part, at most --vocab-limit of them (the most frequent; all rarer and unseen \
      tokens share one "other" row): the output layer costs vocabulary × dim per token. Each \
      epoch prints the held-out loss and perplexity next to a unigram model's loss.

      The token vectors are saved with GPT-2's byte spelling ("Ġthe" = " the"), in the format \
      of --output's extension (.bin word2vec binary, .txt, .vec, .npy, .safetensors, .ekv), and \
      can be queried (embed similar) or plotted like Word2Vec vectors.

      --init-vectors VECTORS starts the token embedding from word vectors of the same dimension \
      (tokens matched to words with the leading space removed, then lower-cased; the match \
      count is printed), scaled to --std.

      Examples:
        embed train-lm the-verdict.txt --epochs 20 --dim 32 --context 16 -o lm.bin
        embed train-lm corpus.txt.xz --max-bytes 2000000 --dim 64 \\
          --init-vectors vectors.bin -o lm.bin
      """)

  @Argument(help: "A text file (plain, .gz or .xz; '-' = standard input).")
  var file: String

  @Option(help: "Tokenizer (tiktoken-identical BPE).")
  var encoding: EncodingName = .gpt2

  @Option(
    help:
      "Read at most the first N bytes of FILE, cut after the last line break (else space) before N; 0 = all."
  )
  var maxBytes = 0

  @Option(help: "Tokens per training window.")
  var context = 32

  @Option(help: "Tokens between training windows (0 = --context).")
  var stride = 0

  @Option(help: "Windows per step.")
  var batch = 16

  @Option(help: "Embedding dimension (1...12288).")
  var dim = 64

  @Option(help: "Passes over the training windows.")
  var epochs = 3

  @Option(help: "Stop each epoch after this many steps (0 = all batches).")
  var stepsPerEpoch = 0

  @Option(help: "Held-out fraction of the tokens (the end of the text), in (0, 1).")
  var validation = 0.1

  @Option(help: "Most token rows the model keeps (0 = every token that occurs).")
  var vocabLimit = 4096

  @Option(help: "Optimiser.")
  var optimizer: OptimizerChoice = .adamw

  @Option(help: "Learning rate (default: 0.003 for adamw, 0.5 for sgd).")
  var lr: Float?

  @Option(help: "AdamW weight decay.")
  var weightDecay: Float = 0.01

  @Flag(help: "Tie the output projection to the token embedding (as GPT-2 does).")
  var tied = false

  @Option(help: "Standard deviation of the random initial weights (0 < std <= 1000).")
  var std: Float = 0.02

  @Option(help: "Word vectors (any format embed reads) to initialise the token embedding.")
  var initVectors: String?

  @Option(help: "Seed of the weights and of the batch order.")
  var seed: UInt64 = 123

  @Option(
    name: [.short, .long],
    help: "Where to save the trained token vectors (format from the extension).")
  var output = "lm-embeddings.bin"

  @Option(help: "Also write the validation curve as CSV here.")
  var curve: String?

  @Option(help: "Also evaluate every N steps (0 = once per epoch).")
  var evalEvery = 0

  @Flag(help: "No progress bar.")
  var quiet = false

  func validate() throws {
    if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    if maxBytes < 0 || stepsPerEpoch < 0 || vocabLimit < 0 || stride < 0 || evalEvery < 0 {
      throw ValidationError("counts must not be negative")
    }
    if let lr, !(lr.isFinite && lr > 0) {
      throw ValidationError("--lr must be a positive number (got \(lr))")
    }
    if !(weightDecay.isFinite && weightDecay >= 0) {
      throw ValidationError("--weight-decay must be a number >= 0 (got \(weightDecay))")
    }
    if !(validation > 0 && validation < 1) {
      throw ValidationError("--validation must be a fraction in (0, 1) (got \(validation))")
    }
    try checkStandardDeviation(std)
  }

  func run() throws {
    try OutputPaths.check(
      [("--output", output), ("--curve", curve)], inputs: [file, initVectors])
    let text = try TextTokenIDs(
      path: file, encoding: encoding, maxBytes: maxBytes > 0 ? maxBytes : nil)
    let data = try NextTokenData(
      tokenIDs: text.ids, validationFraction: validation,
      vocabularyLimit: vocabLimit > 0 ? vocabLimit : nil)
    let v = data.vocabulary
    print(
      "\(file): \(text.bytes) bytes -> \(text.ids.count) \(encoding.rawValue) tokens; "
        + "\(data.trainingIDs.count) for training, \(data.validationIDs.count) held out")
    print(
      "Model vocabulary: \(v.count) rows (\(v.count - 1) most frequent tokens + 1 shared row "
        + "holding \(String(format: "%.2f", data.otherFraction * 100))% of tokens)")
    let model = try NextTokenModel(
      vocabularySize: v.count, contextLength: context, dimension: dim, tiedOutput: tied,
      initialStandardDeviation: std, seed: seed)
    if let initVectors {
      let vectors = try WordVectors.load(contentsOf: initVectors)
      let strings = (0..<v.count).map {
        v.originalID(of: Int32($0)).flatMap { text.text(of: Int($0)) }
      }
      let report = try model.inputLayer.tokenEmbedding.initialize(
        from: vectors, tokenStrings: strings, matchStandardDeviation: std)
      print("Init from \(initVectors): \(report)")
      print(
        "  e.g. "
          + report.matchedExamples.prefix(5).map { "\($0.token.debugDescription)→\($0.word)" }
          .joined(separator: ", ")
          + (report.unmatchedExamples.isEmpty
            ? ""
            : "; unmatched: "
              + report.unmatchedExamples.prefix(5).map(\.debugDescription).joined(separator: ", ")))
    }
    var options = LanguageModelTrainingOptions()
    options.contextLength = context
    options.stride = stride > 0 ? stride : nil
    options.batchSize = batch
    options.epochs = epochs
    options.maximumStepsPerEpoch = stepsPerEpoch > 0 ? stepsPerEpoch : nil
    options.seed = seed
    options.evaluationInterval = evalEvery > 0 ? evalEvery : nil
    let trainer = try LanguageModelTrainer(
      model: model, trainingIDs: data.trainingIDs, validationIDs: data.validationIDs,
      options: options)
    let unigram = trainer.unigramValidationLoss()
    let learningRate = lr ?? optimizer.defaultLearningRate
    let rule: GradientOptimizer =
      optimizer == .sgd
      ? .sgd(learningRate: learningRate)
      : .adamW(learningRate: learningRate, weightDecay: weightDecay)
    print(
      "Training: \(trainer.loader.batchCount) batches of \(batch) × \(context) tokens per epoch, "
        + "\(epochs) epochs, \(optimizer.rawValue), \(tied ? "tied" : "untied") output, dim \(dim)")
    print(
      "Unigram model on the held-out part: loss \(String(format: "%.4f", unigram)), "
        + "perplexity \(String(format: "%.1f", exp(unigram)))")
    print("epoch   step  train loss  val loss  val perplexity")
    let bar = ProgressBar(quiet: quiet)
    let result = try trainer.train(optimizer: rule, progress: bar.handler) { e in
      bar.finish()
      print(
        String(
          format: "%5d %6d  %10@  %8.4f  %14.1f", e.epoch, e.step,
          e.trainingLoss.map { String(format: "%.4f", $0) } ?? "-", e.validationLoss,
          e.validationPerplexity))
    }
    let final = result.last?.validationLoss ?? .infinity
    let best = result.min(by: { $0.validationLoss < $1.validationLoss })
    var verdict = final < unigram ? "below the unigram baseline" : "NOT below the unigram baseline"
    if let best, best.validationLoss < final - 1e-4 {
      verdict += String(
        format:
          " (best %.4f at epoch %d: later epochs overfit; try fewer --epochs or a lower --lr)",
        best.validationLoss, best.epoch)
    }
    print(
      "Held-out loss \(String(format: "%.4f", final)) vs unigram "
        + "\(String(format: "%.4f", unigram)): \(verdict)")
    if let curve {
      var csv = "epoch,step,seconds,train_loss,validation_loss,validation_perplexity,unigram_loss\n"
      for e in result {
        csv +=
          "\(e.epoch),\(e.step),\(String(format: "%.2f", e.seconds)),"
          + "\(e.trainingLoss.map { String($0) } ?? ""),\(e.validationLoss),"
          + "\(e.validationPerplexity),\(unigram)\n"
      }
      try AtomicFile.write(to: curve) { try $0.write(csv) }
    }
    let words = (0..<v.count).map { i in
      v.originalID(of: Int32(i)).flatMap { text.spelling(of: Int($0)) } ?? "<|other|>"
    }
    let vectors = try WordVectors(
      words: words, matrix: model.inputLayer.tokenEmbedding.weights.copy(), counts: v.counts)
    let format = VectorFormat.guess(fromPathExtension: output) ?? .word2vecBinary
    try vectors.write(to: output, format: format)
    print("Saved \(v.count) token vectors of dimension \(dim) to \(output) (\(format.rawValue)).")
  }
}
