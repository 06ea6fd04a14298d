import Testing

@testable import embed

@Suite struct TrainCommandTests {
  @Test func helpShowsEveryDefault() {
    let help = Train.helpMessage()
    for expected in [
      "--dim", "(default: 100)", "--window", "(default: 5)", "--negative", "--sample",
      "(default: 0.001)",
      "--min-count", "--epochs", "--alpha", "0.025 skip-gram", "0.05 CBOW", "--threads", "--seed",
      "(default: 1)", "--model", "default: skipgram)", "--hs",
    ] {
      #expect(help.contains(expected), "help lacks \(expected)")
    }
  }

  @Test func word2vecAndFastTextNamesMapToTheConfiguration() throws {
    let command = try Train.parse([
      "a.txt", "b.txt.gz", "-o", "v.txt", "--model", "cbow", "--size", "50", "--ws", "3", "--neg",
      "7",
      "--hs", "--sample", "1e-4", "--minCount", "2", "--iter", "4", "--lr", "0.1", "--thread", "1",
      "--seed", "9", "--cbow-sum",
    ])
    let c = try command.makeConfiguration()
    #expect(command.corpus == ["a.txt", "b.txt.gz"])
    #expect(c.architecture == .cbow && c.dimension == 50 && c.window == 3 && c.negative == 7)
    #expect(c.hierarchicalSoftmax && c.sample == 1e-4 && c.minCount == 2 && c.epochs == 4)
    #expect(c.alpha == 0.1 && c.threads == 1 && c.seed == 9 && !c.cbowMean)
  }

  @Test func cbowDefaultsToItsOwnLearningRate() throws {
    let c = try Train.parse(["a.txt", "--model", "cbow"]).makeConfiguration()
    #expect(c.alpha == 0.05)
  }

  @Test func unknownModelIsRejected() {
    #expect(throws: (any Error).self) { _ = try Train.parse(["a.txt", "--model", "glove"]) }
  }
}
