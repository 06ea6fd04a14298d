import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing
import WordEmbeddings

@testable import DocumentVectors

/// 240 documents from two topics with disjoint words: even lines pets, odd lines finance.
func topicCorpus(in dir: URL, lines: Int = 240, seed: UInt64 = 5) throws -> String {
  let pets = ["cat", "dog", "fur", "paw", "pet", "bark", "meow", "leash", "vet", "kitten"]
  let money = ["stock", "bank", "price", "bond", "loan", "market", "trade", "fund", "rate", "cash"]
  var rng = SeededGenerator(seed: seed)
  var text = ""
  for i in 0..<lines {
    let topic = i % 2 == 0 ? pets : money
    let words = (0..<12).map { _ in topic[Int(rng.next() % UInt64(topic.count))] }
    text += words.joined(separator: " ") + "\n"
  }
  let path = dir.appendingPathComponent("topics.txt").path
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  return path
}

func cosine(_ a: [Float], _ b: [Float]) -> Float {
  let dot = zip(a, b).map { $0 * $1 }.reduce(0, +)
  let na = a.map { $0 * $0 }.reduce(0, +).squareRoot()
  let nb = b.map { $0 * $0 }.reduce(0, +).squareRoot()
  return dot / max(na * nb, 1e-12)
}

/// All values of `m`, row by row (copied while `m` is alive).
func values(_ m: Matrix) -> [Float] { (0..<m.rows).flatMap { m.row($0) } }

func smallConfiguration(dm: Bool) -> Doc2VecConfiguration {
  var c = Doc2VecConfiguration()
  c.dm = dm
  c.vectorSize = 16
  c.minCount = 1
  c.epochs = 20
  c.threads = 1
  c.sample = 0
  return c
}

@Suite struct Doc2VecTests {
  /// Inferred vectors of a new pets text lie nearer the trained pets documents than finance.
  ///
  /// PV-DM runs at alpha 0.1: at gensim's default 0.025 its inferred vectors separate this toy
  /// corpus near chance in gensim 4.4 too (pet hits of 20 over 10 seeds: mean 10.8; ours 12.2
  /// over 12 seeds, same settings): any window of one topic predicts the topic from its words
  /// alone, so the document vector learns little in 20 epochs. At alpha 0.1 gensim gives 16–20
  /// of 20 (mean 19.0 over 12 seeds) and ours 14–20 (mean 18.5 over 12 seeds); the bound 15 is
  /// below gensim's worst seed, 5 above chance (10 ± 2.2).
  @Test(arguments: [true, false])
  func separatesTopics(dm: Bool) throws {
    let dir = makeTemporaryDirectory()
    let corpus = DocumentCorpus(paths: [try topicCorpus(in: dir)])
    var configuration = smallConfiguration(dm: dm)
    if dm { configuration.alpha = 0.1 }
    let model = try Doc2Vec.train(corpus: corpus, configuration: configuration)
    #expect(model.tags.count == 240)
    let query = try model.inferVector("dog cat vet paw fur kitten leash pet")
    let near = try model.mostSimilar(to: query, topN: 20)
    let petHits = near.filter { Int($0.tag)! % 2 == 0 }.count
    #expect(petHits >= (dm ? 15 : 18), "\(dm ? "PV-DM" : "PV-DBOW"): \(petHits) of 20 are pets")
    // Trained vectors: same-topic pairs more similar than cross-topic pairs on average.
    var same: Float = 0
    var cross: Float = 0
    for i in stride(from: 0, to: 40, by: 2) {
      let a = model.vector(forTag: String(i))!
      same += cosine(a, model.vector(forTag: String(i + 2))!)
      cross += cosine(a, model.vector(forTag: String(i + 1))!)
    }
    // PV-DBOW only: PV-DM's trained vectors at alpha 0.1 do not group by topic here (same 0.96,
    // cross 3.23 over these 20 pairs) although its inferred vectors do; not checked for PV-DM.
    if !dm { #expect(same > cross + 2, "same \(same) cross \(cross)") }
  }

  @Test func dbowWordsTrainsWordVectors() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: false)
    c.dbowWords = true
    let model = try Doc2Vec.train(
      corpus: DocumentCorpus(paths: [try topicCorpus(in: dir)]), configuration: c)
    let words = try model.wordVectors()
    let sameTopic = cosine(try words.vector(for: "cat"), try words.vector(for: "dog"))
    let otherTopic = cosine(try words.vector(for: "cat"), try words.vector(for: "bank"))
    #expect(sameTopic > otherTopic + 0.3, "cat·dog \(sameTopic), cat·bank \(otherTopic)")
  }

  @Test func oneThreadIsReproducible() throws {
    let dir = makeTemporaryDirectory()
    let corpus = DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 60)])
    var c = smallConfiguration(dm: true)
    c.epochs = 3
    c.sample = 1e-2
    let a = try Doc2Vec.train(corpus: corpus, configuration: c)
    let b = try Doc2Vec.train(corpus: corpus, configuration: c)
    #expect(
      try values(a.documentVectors().matrix) == values(b.documentVectors().matrix))
    #expect(try a.inferVector("cat dog") == b.inferVector("cat dog"))
  }

  @Test func saveAndLoadRoundTrip() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: false)
    c.hs = true
    c.epochs = 3
    c.normalization = .lowercase
    let model = try Doc2Vec.train(
      corpus: DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 40)]), configuration: c)
    let path = dir.appendingPathComponent("m.d2v").path
    try model.save(to: path)
    let loaded = try Doc2Vec.load(from: path)
    var settings = loaded.configuration
    settings.threads = 1  // not saved: a setting of the machine
    #expect(settings == model.configuration)
    #expect(loaded.tags == model.tags)
    #expect(loaded.vocabulary.words == model.vocabulary.words)
    #expect(loaded.epochsTrained == 3)
    #expect(loaded.fingerprint == model.fingerprint)
    #expect(
      try values(loaded.documentVectors().matrix) == values(model.documentVectors().matrix))
    #expect(try loaded.inferVector("CAT dog bank") == model.inferVector("CAT dog bank"))
    // Damaged copies.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let cut = dir.appendingPathComponent("cut.d2v").path
    try bytes.prefix(bytes.count - 12).write(to: URL(fileURLWithPath: cut))
    #expect(throws: EmbeddingError.self) { try Doc2Vec.load(from: cut) }
    #expect(throws: EmbeddingError.self) {
      try Doc2Vec.load(from: dir.appendingPathComponent("topics.txt").path)
    }
  }

  @Test func encodesAsTextEncoder() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: false)
    c.epochs = 5
    let model = try Doc2Vec.train(
      corpus: DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 40)]), configuration: c)
    let encoder: any TextEncoder = model
    let rows = try encoder.encode(["cat dog", "okapi", ""], role: .query)
    #expect(rows.rows == 3 && rows.columns == 16)
    let norm = rows.row(0).map { $0 * $0 }.reduce(0, +).squareRoot()
    #expect(abs(norm - 1) < 1e-5)
    #expect(rows.row(1) == [Float](repeating: 0, count: 16))  // no known word: zero, not NaN
    #expect(rows.row(2) == [Float](repeating: 0, count: 16))
    #expect(encoder.descriptor.kind == "doc2vec")
    #expect(encoder.tokenSpans(of: "cat  dog") == [0..<3, 5..<8])
  }
}

@Suite struct Doc2VecBadInputTests {
  @Test func emptyCorpusIsAnError() throws {
    let dir = makeTemporaryDirectory()
    let path = dir.appendingPathComponent("empty.txt").path
    try "".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: EmbeddingError.self) {
      try Doc2Vec.build(
        corpus: DocumentCorpus(paths: [path]), configuration: smallConfiguration(dm: false))
    }
  }

  @Test func emptyAndUnknownDocumentsAreCountedAndKeepTheirTags() throws {
    let dir = makeTemporaryDirectory()
    let path = dir.appendingPathComponent("docs.txt").path
    try "cat dog\n\nzebra\ncat dog cat\n".write(toFile: path, atomically: true, encoding: .utf8)
    var c = smallConfiguration(dm: false)
    c.minCount = 2
    let corpus = DocumentCorpus(paths: [path])
    let (model, _) = try Doc2Vec.build(corpus: corpus, configuration: c)
    let untrained = model.vector(forTag: "1")!
    let summary = try model.train(corpus: corpus)
    #expect(model.tags == ["0", "1", "2", "3"])
    #expect(summary.statistics.documentsWithoutKnownWords == 2)
    #expect(model.vector(forTag: "1")! == untrained)  // never trained, kept its start
    #expect(try model.inferVector("zebra") == [Float](repeating: 0, count: 16))
    let (_, known) = try model.inferVectors(["zebra", "", "cat zebra"])
    #expect(known == [0, 0, 1])
  }

  @Test func duplicateTagsShareOneVector() throws {
    let dir = makeTemporaryDirectory()
    let path = dir.appendingPathComponent("docs.jsonl").path
    try """
    {"_id": "a", "title": "Cats", "text": "cat dog cat"}
    {"_id": "b", "text": "bank loan bank"}
    {"_id": "a", "text": "dog cat dog"}
    {"_id": 7, "text": "loan bank"}
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let corpus = DocumentCorpus(paths: [path])
    #expect(corpus.format == .jsonLines(idField: "_id", textFields: ["title", "text"]))
    let (model, stats) = try Doc2Vec.build(
      corpus: corpus, configuration: smallConfiguration(dm: true))
    #expect(model.tags == ["a", "b", "7"])
    #expect(stats.duplicateTags == 1)
    #expect(stats.documents == 4)
    let bad = dir.appendingPathComponent("bad.jsonl").path
    try "{\"id\": 1, \"text\": \"x\"}\n".write(toFile: bad, atomically: true, encoding: .utf8)
    do {
      _ = try Doc2Vec.build(
        corpus: DocumentCorpus(paths: [bad]), configuration: smallConfiguration(dm: true))
      Issue.record("a line without _id was accepted")
    } catch let error as EmbeddingError {
      #expect("\(error)".contains("line 1"))
    }
  }

  @Test func tenMegabyteDocumentIsSplitIntoPieces() throws {
    let dir = makeTemporaryDirectory()
    let path = dir.appendingPathComponent("big.txt").path
    var big = String(repeating: "cat dog bank loan ", count: 10_000_000 / 18 + 1)
    big += "\ncat bank\n"
    try big.write(toFile: path, atomically: true, encoding: .utf8)
    var c = smallConfiguration(dm: false)
    c.epochs = 1
    c.negative = 1
    c.vectorSize = 8
    c.maxDocumentWords = 1_000_000
    let corpus = DocumentCorpus(paths: [path])
    let (model, _) = try Doc2Vec.build(corpus: corpus, configuration: c)
    let summary = try model.train(corpus: corpus)
    #expect(summary.statistics.longDocuments == 1)
    #expect(summary.words == 4 * (10_000_000 / 18 + 1) + 2)
    #expect(model.vector(forTag: "0")!.allSatisfy { $0.isFinite })
  }

  @Test func vectorsOfAnotherDimensionAreRejected() throws {
    let dir = makeTemporaryDirectory()
    var c = smallConfiguration(dm: false)
    c.epochs = 1
    let model = try Doc2Vec.train(
      corpus: DocumentCorpus(paths: [try topicCorpus(in: dir, lines: 10)]), configuration: c)
    do {
      _ = try model.mostSimilar(to: [Float](repeating: 1, count: 32))
      Issue.record("a 32-d vector was accepted by a 16-d model")
    } catch let error as EmbeddingError {
      #expect("\(error)".contains("32 dimensions"))
    }
  }

  @Test func badSettingsAreRejected() throws {
    var c = Doc2VecConfiguration()
    c.vectorSize = 0
    #expect(throws: EmbeddingError.self) { try c.validate() }
    c = Doc2VecConfiguration()
    c.negative = 0
    #expect(throws: EmbeddingError.self) { try c.validate() }
  }
}
