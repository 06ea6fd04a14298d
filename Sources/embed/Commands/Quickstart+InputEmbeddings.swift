import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 4: token IDs → sliding-window batches → token + positional embeddings (as the book's
  /// chapter 2 ends), then a small next-token model that trains token embeddings for the task.
  ///
  /// Writes `<output>/lm-embeddings.bin` (word2vec binary, GPT-2 token spellings such as "Ġthe").
  func inputEmbeddingsStep() throws {
    Terminal.heading("4. LLM input embeddings")
    guard
      let url = Bundle.module.url(
        forResource: "the-verdict", withExtension: "txt", subdirectory: "Resources")
    else {
      throw EmbeddingError.io(path: "the-verdict.txt", reason: "missing from the embed bundle")
    }
    let gpt2 = try BytePairEncoder.named(.gpt2)
    let text = try String(contentsOf: url, encoding: .utf8)
    let ids = try gpt2.encode(text, allowedSpecial: .all)
    // A copy beside the other outputs, so the commands below run as printed.
    let verdict = (outputDirectory as NSString).appendingPathComponent("the-verdict.txt")
    try AtomicFile.write(to: verdict) { try $0.write(text) }

    // The book's data loader: max_length 4, stride 4, batch 8, no shuffle.
    let dataset = try SlidingWindowDataset(tokenIDs: ids, maxLength: 4, stride: 4)
    let loader = try BatchLoader(dataset: dataset, batchSize: 8)
    let batch = loader.batches()[0]
    print("embed inputs \(verdict) --max-length 4 --stride 4 --batch 8 --dim 256")
    print("\(ids.count) GPT-2 tokens -> \(dataset.count) windows -> \(loader.batchCount) batches")
    print(
      "First batch, inputs [8, 4]:  \(batch.inputRows.prefix(2).map(\.description).joined(separator: " ")) …"
    )
    print(
      "             targets [8, 4]: \(batch.targetRows.prefix(2).map(\.description).joined(separator: " ")) …"
    )
    let layer = try InputEmbeddingLayer(
      vocabularySize: gpt2.vocabularySize, contextLength: 4, dimension: 256)
    layer.initializeNormal(standardDeviation: 1, seed: 123)
    let x = try layer.forward(batch.inputs, batchSize: 8, contextLength: 4)
    print(
      "Token embedding [50257, 256] + positional embedding [4, 256] -> input embeddings \(x.shape)")
    print("  input_embeddings[0, 0, :3] = \(formatValues((0..<3).map { x[0, 0, $0] }))")

    // Train token embeddings for next-token prediction (one small model: dim 32 keeps the
    // tour fast; the Word2Vec-initialised variant is printed as a command to try).
    let data = try NextTokenData(tokenIDs: ids, validationFraction: 0.1, vocabularyLimit: nil)
    let dimension = 32
    var options = LanguageModelTrainingOptions()
    options.contextLength = 16
    options.batchSize = 16
    options.epochs = 8
    let model = try NextTokenModel(
      vocabularySize: data.vocabulary.count, contextLength: 16, dimension: dimension,
      tiedOutput: false, initialStandardDeviation: 0.02, seed: 123)
    let trainer = try LanguageModelTrainer(
      model: model, trainingIDs: data.trainingIDs, validationIDs: data.validationIDs,
      options: options)
    let lm = (outputDirectory as NSString).appendingPathComponent("lm.bin")
    print(
      "\nembed train-lm \(verdict) --dim \(dimension) --context 16 --batch 16 --epochs 8 "
        + "--vocab-limit 0 -o \(lm)")
    print(
      "Next-token model (input embeddings -> output projection -> softmax) over the "
        + "\(data.vocabulary.count) token IDs that occur, last 10% held out:")
    let curve = try trainer.train(optimizer: .adamW(learningRate: 0.003))
    let loss = curve.last?.validationLoss ?? .nan
    let unigram = trainer.unigramValidationLoss()
    print(
      String(
        format: "  held-out loss %.3f (perplexity %.0f); a unigram model: %.3f (%@)",
        loss, exp(loss), unigram,
        loss < unigram ? "the model learned what follows each token" : "not beaten yet"))
    let vectorsPath = (outputDirectory as NSString).appendingPathComponent("vectors.bin")
    print(
      "  starting from the Word2Vec vectors instead: embed train-lm \(verdict) --dim 100 "
        + "--context 16 --epochs 8 --vocab-limit 0 --init-vectors \(vectorsPath) -o \(lm)")
    let words = (0..<data.vocabulary.count).map { i in
      data.vocabulary.originalID(of: Int32(i)).flatMap { try? gpt2.tokenBytes(Int($0)) }
        .map { GPT2ByteSpelling.spell($0) } ?? "<|other|>"
    }
    let trained = try WordVectors(
      words: words, matrix: model.inputLayer.tokenEmbedding.weights.copy(),
      counts: data.vocabulary.counts)
    let path = (outputDirectory as NSString).appendingPathComponent("lm-embeddings.bin")
    try trained.writeWord2Vec(to: path, binary: true)
    print(
      "Saved the trained token embeddings to \(path) (query them: embed similar --vectors \(path) Ġhe)"
    )
  }
}
