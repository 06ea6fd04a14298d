import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import embed

@Suite struct InputsCommandTests {
  func tempFile(_ text: String) throws -> String {
    let dir = makeTemporaryDirectory("inputs-cli")
    let path = dir.appendingPathComponent("text.txt").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func textShorterThanOneWindowIsAClearError() throws {
    let path = try tempFile("Hello, world")  // 3 GPT-2 tokens
    let command = try Inputs.parse([path, "--max-length", "4", "--stride", "4", "--batch", "1"])
    do {
      try command.run()
      Issue.record("a 3-token text made a 4-token window")
    } catch {
      #expect("\(error)".contains("3 tokens"))
    }
  }

  @Test func tooFewWindowsForABatchIsAClearError() throws {
    let path = try tempFile("one two three four five six seven eight nine ten eleven twelve")
    let command = try Inputs.parse([path, "--max-length", "4", "--stride", "4", "--batch", "8"])
    #expect(throws: EmbeddingError.self) { try command.run() }
    let keep = try Inputs.parse([
      path, "--max-length", "4", "--batch", "8", "--keep-last", "--dim", "4",
    ])
    try keep.run()
  }

  @Test func trainLMOptionsAreValidated() throws {
    #expect(throws: (any Error).self) { _ = try TrainLM.parse(["x.txt", "--optimizer", "adam"]) }
    #expect(throws: (any Error).self) { _ = try TrainLM.parse(["x.txt", "--epochs", "0"]) }
    #expect(throws: (any Error).self) { _ = try Inputs.parse(["x.txt", "--wte", "a.npy"]) }
  }
}
