import EmbeddingTestSupport
import Foundation
import Testing

@testable import EmbeddingCore

@Suite struct ByteStreamTests {
  let text = Array((0..<200_000).map { "line \($0) of the corpus\n" }.joined().utf8)

  func roundTrip(compress: String?) throws -> [UInt8] {
    let dir = makeTemporaryDirectory()
    let plain = dir.appendingPathComponent("a.txt").path
    try Data(text).write(to: URL(fileURLWithPath: plain))
    var path = plain
    if let compress {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = [compress, "-k", plain]
      try p.run()
      p.waitUntilExit()
      path = plain + (compress == "gzip" ? ".gz" : ".xz")
    }
    return try ByteStream.readAll(path: path)
  }

  @Test func readsPlainFiles() throws {
    #expect(try roundTrip(compress: nil) == text)
  }

  @Test func readsGzipFiles() throws {
    #expect(try roundTrip(compress: "gzip") == text)
  }

  @Test func readsXzFiles() throws {
    #expect(try roundTrip(compress: "xz") == text)
  }

  @Test func truncatedGzipIsAnError() throws {
    let dir = makeTemporaryDirectory()
    let plain = dir.appendingPathComponent("b.txt").path
    try Data(text).write(to: URL(fileURLWithPath: plain))
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["gzip", plain]
    try p.run()
    p.waitUntilExit()
    let gz = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
    let cut = dir.appendingPathComponent("cut.gz")
    try gz.prefix(gz.count / 2).write(to: cut)
    #expect(throws: EmbeddingError.self) { try ByteStream.readAll(path: cut.path) }
  }

  @Test func missingFileNamesThePath() {
    #expect(throws: EmbeddingError.io(path: "/no/such/file", reason: "No such file or directory")) {
      try ByteStream(path: "/no/such/file")
    }
  }

  @Test func lineReaderSplitsLinesAndCapsLongOnes() throws {
    let dir = makeTemporaryDirectory()
    let path = dir.appendingPathComponent("l.txt").path
    let long = String(repeating: "x", count: 10_000)
    try Data("a\nbb\n\(long)\nlast".utf8).write(to: URL(fileURLWithPath: path))
    let reader = try LineReader(path: path, maxLineBytes: 4096)
    var pieces: [(Int, Bool)] = []
    while let line = try reader.next() { pieces.append((line.bytes.count, line.isPartial)) }
    #expect(pieces.map(\.0) == [1, 2, 4096, 4096, 1808, 4])
    #expect(pieces.map(\.1) == [false, false, true, true, false, false])
  }
}
