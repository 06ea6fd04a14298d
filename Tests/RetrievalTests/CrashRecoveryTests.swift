import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Retrieval

/// The `embed` executable built beside the test bundle, if any.
private let embedBinary: String? = {
  var dir = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
  for _ in 0..<3 {
    let candidate = dir.appendingPathComponent("embed").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    dir.deleteLastPathComponent()
  }
  let fallback = SharedData.packageRoot.appendingPathComponent(".build/debug/embed").path
  return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
}()

/// `kill -9` of `embed index add` at random moments: the index always opens, holds exactly the
/// batches committed before (in order, whole), passes SQLite's integrity check, and a rerun completes.
@Suite(.serialized) struct CrashRecoveryTests {
  static let documents = 1500
  static let batch = 10

  static func corpus(in dir: URL) throws -> String {
    var lines: [String] = []
    for i in 0..<documents {
      let words = (0..<60).map { "w\(($0 * 7 + i * 13) % 997)" }.joined(separator: " ")
      lines.append(#"{"id": "d\#(i)", "title": "Doc \#(i)", "text": "uniq\#(i)x \#(words). End."}"#)
    }
    let path = dir.appendingPathComponent("corpus.jsonl").path
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static func run(_ binary: String, _ args: [String], killAfter: Double?) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    if let killAfter {
      Thread.sleep(forTimeInterval: killAfter)
      kill(p.processIdentifier, SIGKILL)
    }
    p.waitUntilExit()
    return p
  }

  /// Checks the index holds exactly documents d0..<d(n) for n a multiple of the batch, whole.
  static func check(_ path: String) async throws -> Int {
    let index = try RetrievalIndex(path: path, encoder: nil)
    let info = try index.info
    let n = info.documents
    #expect(n % batch == 0, "\(n) documents is not a whole number of batches")
    #expect(info.chunks == n, "chunks \(info.chunks) for \(n) documents")
    let integrity = try index.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    #expect(integrity == ["ok"])
    let ids = try index.read { db in try String.fetchAll(db, sql: "SELECT id FROM documents") }
    #expect(Set(ids) == Set((0..<n).map { "d\($0)" }))
    if n > 0 {
      let last = try await index.search("uniq\(n - 1)x", k: 2, mode: .bm25)
      #expect(last.map(\.id) == ["d\(n - 1)"])
    }
    return n
  }

  @Test(.enabled(if: embedBinary != nil, "needs the embed executable (swift build)"))
  func killNineAtTwentyRandomMoments() async throws {
    guard let binary = embedBinary else { return }
    let dir = makeTemporaryDirectory("crash")
    let corpus = try Self.corpus(in: dir)
    func args(_ index: String) -> [String] {
      ["index", "add", index, corpus, "--batch-size", "\(Self.batch)", "--quiet"]
    }
    // How long one full run takes, to spread the kills over it.
    let timing = dir.appendingPathComponent("timing.sqlite").path
    let t0 = MonotonicClock.now()
    let full = try Self.run(binary, args(timing), killAfter: nil)
    let duration = MonotonicClock.now() - t0
    #expect(full.terminationStatus == 0)
    #expect(try await Self.check(timing) == Self.documents)

    var rng = SeededGenerator(seed: 20_261_201)
    var killedMidway = 0
    for round in 0..<4 {
      let path = dir.appendingPathComponent("index\(round).sqlite").path
      var previous = 0
      for _ in 0..<5 {
        let delay = Double.random(in: 0.02...max(0.05, duration * 0.6), using: &rng)
        let p = try Self.run(binary, args(path), killAfter: delay)
        guard FileManager.default.fileExists(atPath: path) else { continue }
        let n = try await Self.check(path)
        #expect(n >= previous, "a committed batch was lost: \(n) < \(previous)")
        if p.terminationReason == .uncaughtSignal && n < Self.documents { killedMidway += 1 }
        previous = n
      }
      let rerun = try Self.run(binary, args(path), killAfter: nil)
      #expect(rerun.terminationStatus == 0)
      #expect(try await Self.check(path) == Self.documents)
    }
    #expect(killedMidway >= 5, "only \(killedMidway) kills landed while batches were being written")
  }
}
