import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import WordEmbeddings

/// .npy, safetensors and the native format: files written by numpy/safetensors, and round trips.
@Suite struct MatrixFormatTests {
  @Test func readsNumpyAndSafetensorsWrittenByPython() throws {
    let reference = Fixture.vectors
    for (name, format) in [("small.npy", VectorFormat.npy), ("small.safetensors", .safetensors)] {
      #expect(try VectorFormat.detect(path: Fixture.path(name)) == format)
      let wv = try WordVectors.load(contentsOf: Fixture.path(name))
      #expect(wv.words == reference.words, "\(name)")
      #expect(Array(wv.matrix.buffer) == Array(reference.matrix.buffer), "\(name)")
    }
    // The .vocab file carries gensim's counts.
    let npy = try WordVectors.load(contentsOf: Fixture.path("small.npy"))
    #expect(npy.counts.count == 400 && npy.counts[0] > npy.counts[399])
  }

  @Test func everyFormatRoundTripsWithCounts() throws {
    let dir = makeTemporaryDirectory("wv-formats")
    defer { try? FileManager.default.removeItem(at: dir) }
    let npy = try WordVectors.load(contentsOf: Fixture.path("small.npy"))
    for format in [VectorFormat.npy, .safetensors, .native] {
      let path = dir.appendingPathComponent("v.\(format.rawValue)").path
      try npy.write(to: path, format: format)
      #expect(try VectorFormat.detect(path: path) == format)
      let back = try WordVectors.load(contentsOf: path)
      #expect(back.words == npy.words, "\(format)")
      #expect(Array(back.matrix.buffer) == Array(npy.matrix.buffer), "\(format)")
      if format != .safetensors { #expect(back.counts == npy.counts, "\(format)") }
      let limited = try WordVectors.load(contentsOf: path, options: .init(limit: 5))
      #expect(limited.count == 5 && limited.words == Array(npy.words.prefix(5)))
      #expect(limited.index(of: npy.words[10]) == nil)
    }
  }

  @Test func nativeLooksUpWordsInTheMappedFile() throws {
    let dir = makeTemporaryDirectory("wv-native")
    defer { try? FileManager.default.removeItem(at: dir) }
    let words = ["naïve", "café", "", "x"].enumerated().map {
      $0.element.isEmpty ? "e\($0.offset)" : $0.element
    }
    let wv = try WordVectors(
      words: words, matrix: Matrix(rows: 4, columns: 3, values: (0..<12).map(Float.init)))
    let path = dir.appendingPathComponent("v.ekv").path
    try wv.write(to: path, format: .native)
    let mapped = try WordVectors.load(contentsOf: path)
    #expect(mapped.vocabulary is MappedVocabulary)
    for (i, w) in words.enumerated() { #expect(mapped.index(of: w) == i) }
    #expect(mapped.index(of: "cafe") == nil)
    #expect(try mapped.vector(for: "café") == [3, 4, 5])
    #expect(mapped.word(at: 3) == "x")
  }

  @Test func damagedNativeHeadersAreErrors() throws {
    let dir = makeTemporaryDirectory("wv-native-bad")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("v.ekv").path
    try Fixture.vectors.write(to: path, format: .native)
    let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    // Truncated, newer version, row count beyond the file.
    var newer = good
    newer[8] = 9
    var moreRows = good
    moreRows[17] = 0x7f
    for bytes in [Array(good.prefix(good.count - 3)), newer, moreRows, Array(good.prefix(100))] {
      let bad = Fixture.temporaryFile("bad.ekv", bytes)
      #expect(throws: EmbeddingError.self) {
        try WordVectors.load(contentsOf: bad, format: .native)
      }
    }
  }
}
