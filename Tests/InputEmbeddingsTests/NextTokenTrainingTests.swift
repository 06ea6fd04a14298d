import EmbeddingCore
import Foundation
import Testing

@testable import InputEmbeddings

@Suite struct NextTokenTrainingTests {
  /// A text with strong bigram structure: after token k comes (k·7 + 3) mod 24 most of the time.
  func syntheticIDs(_ n: Int, seed: UInt64) -> [Int32] {
    var rng = SeededGenerator(seed: seed)
    var ids: [Int32] = [0]
    for _ in 1..<n {
      let previous = Int(ids.last!)
      ids.append(Int32(rng.nextFloat() < 0.8 ? (previous * 7 + 3) % 24 : Int(rng.next() % 24)))
    }
    return ids
  }

  @Test(arguments: [false, true]) func validationLossFallsBelowUnigram(tied: Bool) throws {
    let model = try NextTokenModel(
      vocabularySize: 24, contextLength: 8, dimension: 16, tiedOutput: tied,
      initialStandardDeviation: 0.1, seed: 3)
    var options = LanguageModelTrainingOptions()
    options.contextLength = 8
    options.batchSize = 8
    options.epochs = 4
    let trainer = try LanguageModelTrainer(
      model: model, trainingIDs: syntheticIDs(3000, seed: 1),
      validationIDs: syntheticIDs(400, seed: 2), options: options)
    let curve = try trainer.train(optimizer: .adamW(learningRate: 0.03))
    let unigram = trainer.unigramValidationLoss()
    #expect(curve.count == 5)
    #expect(abs(curve[0].validationLoss - log(24)) < 0.1)  // small init: near uniform
    #expect(
      curve.last!.validationLoss < unigram - 0.5, "\(curve.map(\.validationLoss)) vs \(unigram)")
  }

  @Test(arguments: [0, 1_000_001, Int.max])
  func epochCountsOutOfRangeAreErrors(epochs: Int) throws {
    // Found by `embed-bench fuzz --target cli`: Int.max epochs overflowed the step total.
    let model = try NextTokenModel(
      vocabularySize: 24, contextLength: 8, dimension: 8, tiedOutput: true,
      initialStandardDeviation: 0.1, seed: 3)
    var options = LanguageModelTrainingOptions()
    options.contextLength = 8
    options.epochs = epochs
    #expect {
      _ = try LanguageModelTrainer(
        model: model, trainingIDs: self.syntheticIDs(300, seed: 1),
        validationIDs: self.syntheticIDs(100, seed: 2), options: options)
    } throws: { "\($0)".contains("epochs must be in 1...1000000") }
  }

  @Test func absurdSizesAreOutOfMemoryNotOverflow() {
    // Found by `embed-bench fuzz --target cli` (train-lm --dim / --context 9223372036854775807).
    for (context, dim) in [(8, Int.max), (Int.max, 8), (Int.max, Int.max)] {
      #expect {
        _ = try InputEmbeddingLayer(vocabularySize: 24, contextLength: context, dimension: dim)
      } throws: { error in
        guard case EmbeddingError.outOfMemory = error else { return false }
        return true
      }
    }
  }

  @Test func sgdLowersTheLossToo() throws {
    let model = try NextTokenModel(
      vocabularySize: 24, contextLength: 8, dimension: 8, tiedOutput: false,
      initialStandardDeviation: 0.1, seed: 3)
    var options = LanguageModelTrainingOptions()
    options.contextLength = 8
    options.batchSize = 4
    options.epochs = 2
    let trainer = try LanguageModelTrainer(
      model: model, trainingIDs: syntheticIDs(2000, seed: 1),
      validationIDs: syntheticIDs(200, seed: 2), options: options)
    let curve = try trainer.train(optimizer: .sgd(learningRate: 2))
    #expect(curve.last!.validationLoss < curve[0].validationLoss - 0.3)
  }

  @Test func adamWStepMatchesTheFormula() throws {
    let table = try EmbeddingTable(weights: Matrix(rows: 1, columns: 2, values: [1, -2]))
    let g = table.gradientForWriting()
    g[0, 0] = 0.5
    g[0, 1] = -0.25
    table.markAllTouched()
    var adam = GradientOptimizer.adamW(learningRate: 0.1, weightDecay: 0.01)
    adam.step([table])
    // Step 1: m̂ = g, v̂ = g², update = g/(|g| + ε) ≈ sign(g); w ← w(1 − lr·wd) − lr·sign(g).
    #expect(abs(table.weights[0, 0] - (1 * 0.999 - 0.1)) < 1e-6)
    #expect(abs(table.weights[0, 1] - (-2 * 0.999 + 0.1)) < 1e-6)
    #expect(g.buffer.allSatisfy { $0 == 0 })
  }

  @Test func compactVocabularyKeepsFrequentTokens() {
    let vocab = CompactVocabulary(trainingIDs: [50, 7, 7, 7, 50, 900, 3], maximumSize: 3)
    #expect(vocab.count == 3)
    #expect(vocab.originalIDs == [7, 50, -1])
    #expect(vocab.map([7, 50, 900, 3, 12345]) == [0, 1, 2, 2, 2])
    #expect(vocab.counts == [3, 2, 2])
    #expect(vocab.originalID(of: 2) == nil)
    let all = CompactVocabulary(trainingIDs: [5, 5, 9])
    #expect(all.originalIDs == [5, 9, -1])
  }

  @Test func trainerRejectsBadInput() throws {
    let model = try NextTokenModel(
      vocabularySize: 10, contextLength: 4, dimension: 4, tiedOutput: true)
    var options = LanguageModelTrainingOptions()
    options.contextLength = 4
    options.batchSize = 2
    #expect(throws: EmbeddingError.self) {
      _ = try LanguageModelTrainer(
        model: model, trainingIDs: Array(repeating: 1, count: 50), validationIDs: [1, 2, 3],
        options: options)
    }
    #expect(throws: EmbeddingError.self) {
      _ = try LanguageModelTrainer(
        model: model, trainingIDs: Array(repeating: 10, count: 50),
        validationIDs: Array(repeating: 1, count: 50),
        options: options)
    }
    options.contextLength = 5
    #expect(throws: EmbeddingError.self) {
      _ = try LanguageModelTrainer(
        model: model, trainingIDs: Array(repeating: 1, count: 50),
        validationIDs: Array(repeating: 1, count: 50),
        options: options)
    }
  }
}

@Suite struct NextTokenDataTests {
  @Test func heldOutPartIsTheTailAndUnseenTokensShareTheLastRow() throws {
    let ids = [5, 6, 5, 6, 5, 7, 5, 6, 9, 8]  // last 20% = [9, 8], never seen in training
    let data = try NextTokenData(tokenIDs: ids, validationFraction: 0.2, vocabularyLimit: nil)
    #expect(data.vocabulary.originalIDs == [5, 6, 7, -1])
    #expect(data.trainingIDs == [0, 1, 0, 1, 0, 2, 0, 1])
    #expect(data.validationIDs == [3, 3])
    #expect(abs(data.otherFraction - 0.2) < 1e-12)
    #expect(throws: EmbeddingError.self) {
      _ = try NextTokenData(tokenIDs: ids, validationFraction: 0, vocabularyLimit: nil)
    }
    #expect(throws: EmbeddingError.self) {
      _ = try NextTokenData(tokenIDs: ids, validationFraction: 0.1, vocabularyLimit: 1)
    }
  }
}
