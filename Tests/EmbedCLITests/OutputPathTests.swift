import EmbeddingKit
import EmbeddingTestSupport
import Foundation
import Testing

@testable import embed

/// Output paths are checked before any work: never overwrite an input, fail fast on a
/// missing folder.
@Suite struct OutputPathTests {
  func corpus(in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("corpus.txt").path
    let text = String(repeating: "the cat sat on the mat and the dog sat on the log\n", count: 40)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Runs `body`, expecting an error whose text contains every one of `parts`.
  func expectError(_ parts: [String], _ body: () throws -> Void) {
    do {
      try body()
      Issue.record("no error; expected one mentioning \(parts)")
    } catch {
      for part in parts { #expect("\(error)".contains(part), "\(error)") }
    }
  }

  @Test func trainRefusesToOverwriteItsCorpus() throws {
    let dir = makeTemporaryDirectory("out-paths")
    let path = try corpus(in: dir)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    expectError(["is the input file", "overwritten"]) {
      try Train.parse([path, "-o", path, "--quiet", "--threads", "1"]).run()
    }
    // The same file under another spelling.
    let other = dir.path + "/./corpus.txt"
    expectError(["is the input file"]) {
      try Train.parse([path, "-o", other, "--quiet", "--threads", "1"]).run()
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  @Test func missingOutputFolderFailsBeforeTraining() throws {
    let dir = makeTemporaryDirectory("out-paths")
    let path = try corpus(in: dir)
    let missing = dir.appendingPathComponent("no/such/folder").path
    expectError(["--save-model", "does not exist"]) {
      try Train.parse([
        path, "-o", dir.appendingPathComponent("v.bin").path, "--save-model",
        missing + "/m.w2v", "--quiet", "--threads", "1",
      ]).run()
    }
    // Nothing was trained or written.
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("v.bin").path))
    expectError(["-o", "does not exist"]) {
      try Train.parse([path, "-o", missing + "/v.bin", "--quiet"]).run()
    }
    expectError(["is a folder"]) { try Train.parse([path, "-o", dir.path, "--quiet"]).run() }
    expectError(["name the same file"]) {
      let out = dir.appendingPathComponent("same.bin").path
      try Train.parse([path, "-o", out, "--save-model", out, "--quiet"]).run()
    }
  }

  @Test func everyWritingCommandChecksItsOutputs() throws {
    let dir = makeTemporaryDirectory("out-paths")
    let path = try corpus(in: dir)
    let missing = dir.appendingPathComponent("missing").path
    expectError(["is the input file"]) {
      try TrainBPE.parse([path, "-o", path, "--vocab-size", "260", "--quiet"]).run()
    }
    expectError(["does not exist"]) {
      try TrainLM.parse([path, "-o", missing + "/lm.bin", "--quiet"]).run()
    }
    expectError(["--curve", "does not exist"]) {
      try TrainLM.parse([
        path, "-o", dir.appendingPathComponent("lm.bin").path, "--curve", missing + "/c.csv",
      ]).run()
    }
    expectError(["is the input file"]) {
      try Tokenize.parse([
        "--encoding", "words", "--file", path, "--save-vocab", path,
      ]).run()
    }
    let vectors = dir.appendingPathComponent("v.txt").path
    try WordVectors(words: ["a", "b"], matrix: Matrix(rows: 2, columns: 2))
      .write(to: vectors, format: .word2vecText)
    expectError(["is the input file"]) { try Convert.parse([vectors, vectors]).run() }
    expectError(["does not exist"]) {
      try Plot.parse([vectors, "--words", "a,b", "-o", missing + "/p.svg", "-q"]).run()
    }
  }

  @Test func sameFileComparesResolvedPaths() throws {
    let dir = makeTemporaryDirectory("out-paths")
    let path = try corpus(in: dir)
    let link = dir.appendingPathComponent("link.txt").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
    #expect(OutputPaths.sameFile(path, link))
    #expect(!OutputPaths.sameFile(path, dir.appendingPathComponent("other.txt").path))
    #expect(
      OutputPaths.sameFile(
        dir.appendingPathComponent("new.bin").path,
        dir.appendingPathComponent("x/../new.bin").path))
  }
}
