import EmbeddingKit
import Foundation
import Testing

@testable import embed

@Suite struct PlotCommandTests {
  /// A tiny vectors file: two tight groups in 6 dimensions, plus one word given twice.
  func vectorsFile(in dir: URL) throws -> String {
    var rng = SeededGenerator(seed: 1)
    let words = ["eagle", "owl", "hawk", "crow", "paris", "rome", "berlin", "madrid"]
    let m = Matrix(rows: words.count, columns: 6)
    for (i, _) in words.enumerated() {
      for c in 0..<6 {
        m[i, c] = (i < 4 ? (c < 3 ? 1 : 0) : (c < 3 ? 0 : 1)) + 0.1 * rng.nextGaussian()
      }
    }
    let path = dir.appendingPathComponent("v.txt").path
    try WordVectors(words: words, matrix: m).write(to: path, format: .word2vecText)
    return path
  }

  func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ek-plot-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func writesSvgHtmlAndPngFromOneProjection() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let vectors = try vectorsFile(in: dir)
    let svg = dir.appendingPathComponent("p.svg").path
    let html = dir.appendingPathComponent("p.html").path
    let png = dir.appendingPathComponent("p.png").path
    let command = try Plot.parse([
      vectors, "--group", "birds=eagle,owl,hawk,crow", "--group", "cities=paris,rome,berlin,madrid",
      "--words", "owl", "-q", "-o", svg, "-o", html, "-o", png, "--threads", "1",
    ])
    try command.run()
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("\"birds\"") && page.contains("\"madrid\""))
    #expect(try String(contentsOfFile: svg, encoding: .utf8).contains(">cities</text>"))
    #expect(FileManager.default.fileExists(atPath: png))
  }

  @Test func missingWordsAreNamedAndBadOutputIsRejected() throws {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let vectors = try vectorsFile(in: dir)
    let out = dir.appendingPathComponent("p.svg").path
    do {
      try Plot.parse([vectors, "--words", "eagle,dodo,moa", "-q", "-o", out]).run()
      Issue.record("missing words accepted")
    } catch {
      #expect("\(error)".contains("'dodo', 'moa'"))
    }
    try Plot.parse([vectors, "--words", "eagle,dodo,owl,rome", "--skip-missing", "-q", "-o", out])
      .run()
    #expect(FileManager.default.fileExists(atPath: out))
    #expect(throws: (any Error).self) { try Plot.parse([vectors, "-o", "plot.jpg"]) }
  }
}
