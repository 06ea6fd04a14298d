import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Tokenization

@Suite struct VocabularyHashTests {
  /// The shipped copy of `name`'s vocabulary (a `.tiktoken.gz` in the module's resources).
  func shippedPath(_ name: EncodingName) throws -> String {
    guard case .tiktoken(let path) = try VocabularySource.locate(name, directory: nil) else {
      throw EmbeddingError.invalidArgument("\(name) should ship as a .tiktoken file")
    }
    return path
  }

  @Test func sha256MatchesAKnownDigest() {
    // FIPS 180-2 test vector.
    #expect(
      VocabularyHash.sha256(Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test(arguments: [EncodingName.gpt2, .cl100k_base, .o200k_base])
  func shippedVocabulariesHaveTiktokensHashes(_ name: EncodingName) throws {
    let contents = try TiktokenFile.contents(path: shippedPath(name))
    #expect(VocabularyHash.sha256(contents) == VocabularyHash.expected(for: name))
    try VocabularyHash.verify(contents, name: name, path: "shipped")
  }

  @Test func anIdenticalCopyInADirectoryLoads() throws {
    let directory = makeTemporaryDirectory("hash-ok")
    try FileManager.default.copyItem(
      atPath: shippedPath(.gpt2),
      toPath: directory.appendingPathComponent("r50k_base.tiktoken.gz").path)
    let encoder = try BytePairEncoder.named(.gpt2, directory: directory.path)
    #expect(try encoder.encode("hello world") == [31373, 995])
  }

  @Test func aDamagedVocabularyIsRefusedWithBothHashes() throws {
    // Every token present, but two ranks swapped: parses, has the right count, encodes wrongly.
    var ranks = try TiktokenFile.read(path: shippedPath(.gpt2))
    let first = ranks.firstIndex { $0.rank == 1000 }!
    let second = ranks.firstIndex { $0.rank == 1001 }!
    ranks[first].rank = 1001
    ranks[second].rank = 1000
    let directory = makeTemporaryDirectory("hash-bad")
    let path = directory.appendingPathComponent("r50k_base.tiktoken").path
    try TiktokenFile.write(ranks, to: path)
    do {
      _ = try BytePairEncoder.named(.gpt2, directory: directory.path)
      Issue.record("a vocabulary with the wrong SHA-256 must be refused")
    } catch let EmbeddingError.malformed(errorPath, location, reason) {
      #expect(errorPath == path && location.contains("SHA-256"))
      #expect(reason.contains(VocabularyHash.expected(for: .gpt2)))
      #expect(
        reason.contains(
          VocabularyHash.sha256(Array(try Data(contentsOf: URL(fileURLWithPath: path))))))
    }
  }
}
