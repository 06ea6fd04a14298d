import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import DocumentVectors

/// gensim's semantics that the quality depends on, PV-DM concatenation, file versions, and the
/// bad inputs not covered by `Doc2VecBadInputTests`.
@Suite struct Doc2VecGensimTests {
  /// gensim trains from vectors uniform in [-1/d, 1/d) (`prep_vectors`); starting from half that
  /// range cost gensim itself 0.047 SciFact nDCG@10 (BENCHMARKS.md, issue 12).
  @Test func trainingStartsFromGensimsRange() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: false)
    c.vectorSize = 10
    let (model, _) = try Doc2Vec.build(
      corpus: DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 200)]), configuration: c)
    let docs = try values(model.documentVectors().matrix)
    let words = try values(model.wordVectors().matrix)
    for all in [docs, words] {
      #expect(all.allSatisfy { $0 >= -0.1 && $0 < 0.1 })
      // 2,000 uniform draws: the largest magnitude is above 0.09 (half the range is 0.05).
      #expect(all.map(abs).max()! > 0.09)
    }
    // Documents and words come from different streams (gensim seeds them seed, seed + 7919).
    #expect(Array(docs.prefix(10)) != Array(words.prefix(10)))
  }

  /// PV-DM with concatenation: learns topics, round-trips through a file, infers the same.
  @Test func concatenationTrainsSavesAndInfers() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: true)
    c.dmConcat = true
    c.window = 2
    c.epochs = 30
    let corpus = DocumentCorpus(paths: [try topicCorpus(in: dir)])
    let model = try Doc2Vec.train(corpus: corpus, configuration: c)
    #expect(model.vocabulary.index(of: Doc2Vec.nullWordString) != nil)
    #expect(model.descriptor.pooling == "pv-dm-concat")
    var same: Float = 0
    var cross: Float = 0
    for i in stride(from: 0, to: 80, by: 2) {
      let a = model.vector(forTag: String(i))!
      same += cosine(a, model.vector(forTag: String(i + 2))!)
      cross += cosine(a, model.vector(forTag: String(i + 1))!)
    }
    #expect(same > cross, "same \(same) cross \(cross)")
    let query = try model.inferVector("dog cat vet paw fur kitten leash pet")
    let petHits = try model.mostSimilar(to: query, topN: 20).filter { Int($0.tag)! % 2 == 0 }
    #expect(petHits.count >= 12, "\(petHits.count) of 20 are pets")
    let path = dir.appendingPathComponent("concat.d2v").path
    try model.save(to: path)
    let loaded = try Doc2Vec.load(from: path)
    #expect(loaded.configuration.dmConcat)
    #expect(loaded.fingerprint == model.fingerprint)
    #expect(try loaded.inferVector("cat bank dog") == model.inferVector("cat bank dog"))
    // Trains further after loading (the wide output layer was restored, not re-zeroed).
    let before = loaded.vector(forTag: "0")!
    try loaded.train(corpus: corpus, epochs: 1)
    #expect(loaded.vector(forTag: "0")! != before)
  }

  @Test func concatenationNeedsDistributedMemory() {
    var c = Doc2VecConfiguration()
    c.dm = false
    c.dmConcat = true
    #expect(throws: EmbeddingError.self) { try c.validate() }
    c.dm = true
    c.window = 101
    #expect(throws: EmbeddingError.self) { try c.validate() }
  }

  /// Version 1 files (11 settings, no dmConcat) still load.
  @Test func versionOneFilesLoad() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: true)
    c.epochs = 2
    let model = try Doc2Vec.train(
      corpus: DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 30)]), configuration: c)
    let path = dir.appendingPathComponent("v2.d2v").path
    try model.save(to: path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(bytes[8] == 2)
    bytes[8] = 1
    bytes.removeSubrange(56..<60)  // the 12th setting (dmConcat)
    let old = dir.appendingPathComponent("v1.d2v").path
    try Data(bytes).write(to: URL(fileURLWithPath: old))
    let loaded = try Doc2Vec.load(from: old)
    #expect(!loaded.configuration.dmConcat)
    #expect(try loaded.inferVector("cat dog") == model.inferVector("cat dog"))
  }

  /// A 10 MB text is inferred whole (in pieces of maxDocumentWords), finite, in bounded time.
  @Test func tenMegabyteTextIsInferred() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: false)
    c.epochs = 2
    let model = try Doc2Vec.train(
      corpus: DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 40)]), configuration: c)
    let big = String(repeating: "cat dog okapi ", count: 10_000_000 / 14 + 1)
    let (vectors, known) = try model.inferVectors([big], epochs: 1, threads: 1)
    #expect(known == [2 * (10_000_000 / 14 + 1)])
    #expect(vectors.row(0).allSatisfy { $0.isFinite })
    #expect(vectors.row(0).contains { $0 != 0 })
  }

  /// Vectors inferred by one model are refused by a model of another dimension.
  @Test func vectorFromAnotherModelIsRejected() throws {
    let dir = makeTemporaryDirectory()
    let corpus = DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 20)])
    var small = smallConfiguration(dm: false)
    small.epochs = 1
    var large = small
    large.vectorSize = 24
    let a = try Doc2Vec.train(corpus: corpus, configuration: small)
    let b = try Doc2Vec.train(corpus: corpus, configuration: large)
    let v = try a.inferVector("cat dog")
    do {
      _ = try b.mostSimilar(to: v)
      Issue.record("a 16-d vector was accepted by a 24-d model")
    } catch let error as EmbeddingError {
      #expect("\(error)".contains("16 dimensions") && "\(error)".contains("24"))
    }
  }
}
