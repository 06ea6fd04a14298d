import EmbeddingCore
import Foundation
import Testing
import EmbeddingTestSupport

@testable import WordEmbeddings

/// Damaged files give an error naming the file and where, never a crash.
@Suite struct BadInputTests {
  private func binaryFile(_ rows: [(String, [Float])], header: String? = nil, newline: Bool = true)
    -> [UInt8]
  {
    var bytes = Array((header ?? "\(rows.count) \(rows.first?.1.count ?? 0)\n").utf8)
    for (word, values) in rows {
      bytes += Array(word.utf8) + [32]
      for v in values { withUnsafeBytes(of: v) { bytes += $0 } }
      if newline { bytes.append(10) }
    }
    return bytes
  }

  private func expectMalformed(
    _ path: String, _ options: VectorLoadOptions = .init(), containing words: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      _ = try WordVectors.load(contentsOf: path, options: options)
      Issue.record("expected an error for \(path)", sourceLocation: sourceLocation)
    } catch let error as EmbeddingError {
      guard case .malformed(let p, _, _) = error else {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        return
      }
      #expect(p == path, sourceLocation: sourceLocation)
      for w in words {
        #expect(error.description.contains(w), "\(error)", sourceLocation: sourceLocation)
      }
    } catch {
      Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
  }

  @Test func truncatedBinaryNamesTheByteOffset() throws {
    let bytes = binaryFile([("a", [1, 2, 3]), ("b", [4, 5, 6])])
    for cut in [bytes.count - 2, bytes.count - 5, 10] {
      let path = Fixture.temporaryFile("cut.bin", Array(bytes[0..<cut]))
      expectMalformed(path, containing: ["byte", "truncated"])
    }
  }

  @Test func headerPromisingMoreRowsOrDimensions() {
    let rows: [(String, [Float])] = [("a", [1, 2, 3]), ("b", [4, 5, 6])]
    expectMalformed(
      Fixture.temporaryFile("rows.bin", binaryFile(rows, header: "3 3\n")),
      containing: ["promises"])
    expectMalformed(
      Fixture.temporaryFile("dims.bin", binaryFile(rows, header: "2 4\n")), containing: ["byte"])
    expectMalformed(
      Fixture.temporaryFile("rows.txt", Array("3 2\na 1 2\nb 3 4\n".utf8)),
      containing: ["line", "promises 3 words"])
    expectMalformed(
      Fixture.temporaryFile("dims.txt", Array("2 3\na 1 2\nb 3 4\n".utf8)),
      containing: ["line 2", "found 2 value(s)"])
  }

  @Test func nonFiniteValuesAreRejectedUnlessAllowed() throws {
    let path = Fixture.temporaryFile(
      "nan.bin",
      binaryFile([("a", [1, 2, 3, 4, 5, 6, 7, 8, 9]), ("b", [1, .nan, 3, 4, 5, 6, 7, 8, 9])]))
    expectMalformed(path, containing: ["'b'", "nan"])
    let kept = try WordVectors.load(contentsOf: path, options: .init(nonFinite: .allow))
    #expect(kept.matrix[1, 1].isNaN)
    let text = Fixture.temporaryFile("inf.txt", Array("2 2\na 1 2\nb inf 4\n".utf8))
    expectMalformed(text, containing: ["line 3", "inf"])
  }

  @Test func duplicateWordsKeepTheFirstRowOrFail() throws {
    let path = Fixture.temporaryFile("dup.txt", Array("3 2\na 1 2\nb 3 4\na 5 6\n".utf8))
    let wv = try WordVectors.load(contentsOf: path)
    #expect(wv.words == ["a", "b"])
    #expect(try wv.vector(for: "a") == [1, 2])
    #expect(wv.loadReport.droppedDuplicates == 1)
    expectMalformed(path, .init(duplicates: .reject), containing: ["line 4", "'a'"])
  }

  @Test func invalidUTF8WordsFailOrAreReplaced() throws {
    var bytes = binaryFile([("ok", [1, 2])])
    bytes = Array("2 2\n".utf8) + Array(bytes[4...]) + [0xff, 0xfe, 32, 0, 0, 0, 0, 0, 0, 0, 0, 10]
    let path = Fixture.temporaryFile("utf8.bin", bytes)
    expectMalformed(path, containing: ["UTF-8", "byte"])
    let wv = try WordVectors.load(contentsOf: path, options: .init(invalidUTF8: .replace))
    #expect(wv.words[1] == "\u{FFFD}\u{FFFD}")
    #expect(wv.loadReport.replacedInvalidUTF8 == 1)
  }

  @Test func gloveLineWithAMissingValue() {
    let path = Fixture.temporaryFile("g.txt", Array("a 1 2 3\nb 4 5\nc 7 8 9\n".utf8))
    expectMalformed(path, .init(), containing: ["line 2", "found 2 value(s)"])
    let bad = Fixture.temporaryFile("g2.txt", Array("a 1 2 3\nb 4 x 6\n".utf8))
    expectMalformed(bad, .init(), containing: ["line 2", "'x'"])
  }

  @Test func emptyAndUnknownFiles() {
    let empty = Fixture.temporaryFile("empty.bin", [])
    #expect(throws: EmbeddingError.self) { try WordVectors.load(contentsOf: empty) }
    let junk = Fixture.temporaryFile("junk", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    #expect(throws: EmbeddingError.self) { try WordVectors.load(contentsOf: junk) }
  }
}

/// A short fuzz run (the 10,000-file run is `embed-bench vectors-fuzz`, in release).
@Suite struct LoaderFuzzTests {
  @Test func mutatedFilesLoadOrThrowEmbeddingErrors() throws {
    let dir = makeTemporaryDirectory("wv-fuzz")
    defer { try? FileManager.default.removeItem(at: dir) }
    var fuzzer = _VectorFileFuzzer(seed: 42)
    let summary = try fuzzer.run(files: 300, directory: dir.path)
    #expect(summary.files == 300)
    #expect(summary.otherErrors == 0)
    #expect(summary.loaded > 0 && summary.rejected.values.reduce(0, +) > 0, "\(summary)")
  }
}
