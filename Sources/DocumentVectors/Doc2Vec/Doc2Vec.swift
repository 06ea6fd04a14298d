import EmbeddingCore
import Foundation
import Word2Vec
import WordEmbeddings

/// Paragraph vectors (Le & Mikolov 2014, "Distributed Representations of Sentences and
/// Documents") with gensim's semantics: PV-DBOW (optionally with skip-gram word training,
/// `dbow_words`) and PV-DM (mean or sum), negative sampling and/or hierarchical softmax.
///
/// Stages, as gensim: read the corpus (vocabulary and tags), allocate, train, then read the
/// document vectors or infer vectors for new texts.
///
/// ```swift
/// var config = Doc2VecConfiguration()
/// config.dm = false
/// let model = try Doc2Vec.train(corpus: DocumentCorpus(paths: ["docs.txt"]),
///                               configuration: config)
/// model.vector(forTag: "0")                          // a trained document vector
/// let v = try model.inferVector("some new text")     // gensim's infer_vector
/// try model.save(to: "model.d2v")
/// ```
///
/// The training kernels are Word2Vec's (`TrainingWorker`): batched windows, Hogwild threads,
/// and with `threads == 1` a run is reproducible bit for bit. The corpus is read twice (count,
/// then map words to rows) and kept in memory as 4 bytes per word. One `train` at a time.
///
/// As a `TextEncoder`, `encode` infers a vector for each text (never using a trained vector).
public final class Doc2Vec: @unchecked Sendable {
  /// The settings the model was created with.
  public let configuration: Doc2VecConfiguration
  /// The words, most frequent first.
  public let vocabulary: Word2VecVocabulary
  /// The document tags, in order of first appearance; row i of `documentMatrix` is tag i.
  public let tags: [String]
  /// Epochs trained so far.
  public internal(set) var epochsTrained = 0
  let tagIndex: [String: Int]
  let weights: ModelWeights
  let documents: PaddedRows
  let tables: TrainingTables
  /// The output layer of PV-DM with concatenation (nil otherwise: the outputs are in `weights`).
  let concatenated: ConcatenatedOutput?
  /// The vocabulary row of the null word that pads concatenation windows (-1 without dmConcat).
  let nullWord: Int

  /// gensim's null word (`"\0"`, count 1), added to the vocabulary of a dmConcat model.
  public static let nullWordString = "\u{0}"

  /// Allocates a model for `vocabulary` and `tags` with randomly initialised vectors (uniform
  /// in ±1/vectorSize, as gensim's training; `inferVector` starts from ±0.5/vectorSize, as
  /// gensim's `infer_vector`).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for a bad configuration or no tags.
  public init(
    vocabulary: Word2VecVocabulary, tags: [String], configuration: Doc2VecConfiguration
  ) throws {
    try configuration.validate()
    guard !tags.isEmpty else {
      throw EmbeddingError.invalidArgument("no documents: the corpus is empty")
    }
    var vocabulary = vocabulary
    if configuration.dmConcat && vocabulary.index(of: Self.nullWordString) == nil {
      vocabulary = try Word2VecVocabulary(
        words: vocabulary.words + [Self.nullWordString], counts: vocabulary.counts + [1])
    }
    self.configuration = configuration
    self.vocabulary = vocabulary
    var index = [String: Int](minimumCapacity: tags.count)
    var unique: [String] = []
    for t in tags where index[t] == nil {
      index[t] = unique.count
      unique.append(t)
    }
    self.tags = unique
    tagIndex = index
    (weights, concatenated) = Self.allocateLayers(rows: vocabulary.count, configuration)
    nullWord = configuration.dmConcat ? vocabulary.index(of: Self.nullWordString) ?? -1 : -1
    documents = PaddedRows(rows: unique.count, dimension: configuration.vectorSize)
    // gensim's prep_vectors: uniform in [-1/d, 1/d) for words and documents, from two streams
    // (gensim seeds the documents with seed + 7919). The range matters: training from
    // ±0.5/d (word2vec.c's word range, which this code used before) costs gensim itself
    // 0.047 SciFact nDCG@10 (0.158 -> 0.111, BENCHMARKS.md issue 12).
    let d = configuration.vectorSize
    let scale = 2 / Float(d)
    var rng = SeededGenerator(seed: configuration.seed)
    for r in 0..<vocabulary.count {
      let row = weights.input + r * weights.stride
      for c in 0..<d { row[c] = (rng.nextFloat() - 0.5) * scale }
    }
    rng = SeededGenerator(seed: configuration.seed &+ 7919)
    for r in 0..<unique.count {
      let row = documents.row(r)
      for c in 0..<d { row[c] = (rng.nextFloat() - 0.5) * scale }
    }
    tables = TrainingTables(
      counts: vocabulary.counts, sample: configuration.sample, hierarchical: configuration.hs)
  }

  /// The word rows and the output layer: in `ModelWeights` for PV-DBOW and PV-DM (mean or
  /// sum); a separate, wider `ConcatenatedOutput` for dmConcat.
  static func allocateLayers(rows: Int, _ c: Doc2VecConfiguration) -> (
    ModelWeights, ConcatenatedOutput?
  ) {
    let weights = ModelWeights(
      rows: rows, dimension: c.vectorSize, negative: c.negative > 0 && !c.dmConcat,
      hierarchical: c.hs && !c.dmConcat)
    let concatenated =
      c.dmConcat
      ? ConcatenatedOutput(
        rows: rows, dimension: c.vectorSize, window: c.window, negative: c.negative > 0,
        hierarchical: c.hs) : nil
    return (weights, concatenated)
  }

  /// Restores a model (used by `load(from:)`).
  init(
    configuration: Doc2VecConfiguration, vocabulary: Word2VecVocabulary, tags: [String],
    weights: ModelWeights, concatenated: ConcatenatedOutput?, documents: PaddedRows,
    epochsTrained: Int
  ) {
    self.configuration = configuration
    self.concatenated = concatenated
    nullWord = configuration.dmConcat ? vocabulary.index(of: Self.nullWordString) ?? -1 : -1
    self.vocabulary = vocabulary
    self.tags = tags
    var index = [String: Int](minimumCapacity: tags.count)
    for (i, t) in tags.enumerated() { index[t] = i }
    tagIndex = index
    self.weights = weights
    self.documents = documents
    self.epochsTrained = epochsTrained
    tables = TrainingTables(
      counts: vocabulary.counts, sample: configuration.sample, hierarchical: configuration.hs)
  }

  /// The vector dimension.
  public var vectorSize: Int { configuration.vectorSize }

  /// The trained vector of `tag`, or nil if no document had it.
  public func vector(forTag tag: String) -> [Float]? {
    guard let r = tagIndex[tag] else { return nil }
    return Array(UnsafeBufferPointer(start: documents.row(r), count: vectorSize))
  }

  /// All document vectors, one row per tag (a copy).
  ///
  /// - Complexity: O(tags × vectorSize).
  public func documentVectors() throws -> WordVectors {
    try WordVectors(words: tags, matrix: documents.matrix())
  }

  /// The word vectors (trained by PV-DM and by PV-DBOW with `dbowWords`; random otherwise).
  public func wordVectors() throws -> WordVectors {
    try WordVectors(
      words: vocabulary.words, matrix: weights.inputMatrix(), counts: vocabulary.counts)
  }

  /// The trained tags most similar (cosine) to `vector`, best first.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `vector` has another dimension than the
  ///   model's (a vector inferred by, or meant for, another model).
  /// - Complexity: O(tags × vectorSize).
  public func mostSimilar(to vector: [Float], topN: Int = 10) throws -> [(
    tag: String, similarity: Float
  )] {
    guard vector.count == vectorSize else {
      throw EmbeddingError.invalidArgument(
        "the vector has \(vector.count) dimensions but this Doc2Vec model has \(vectorSize); "
          + "infer it with the same model")
    }
    let d = vectorSize
    var query = vector
    query.withUnsafeMutableBufferPointer { _ = VectorKernels.normalize($0.baseAddress!, d) }
    var scored: [(tag: String, similarity: Float)] = []
    scored.reserveCapacity(tags.count)
    query.withUnsafeBufferPointer { q in
      for r in 0..<tags.count {
        let row = documents.row(r)
        let norm = VectorKernels.norm(row, d)
        let s = norm > 0 ? VectorKernels.dot(q.baseAddress!, row, d) / norm : 0
        scored.append((tags[r], s))
      }
    }
    return Array(scored.sorted { $0.similarity > $1.similarity }.prefix(max(0, topN)))
  }
}

/// Rows padded to a multiple of 8 floats (zero padding that stays zero), as the kernels need.
final class PaddedRows: @unchecked Sendable {
  let rows: Int
  let dimension: Int
  let stride: Int
  let base: UnsafeMutablePointer<Float>

  init(rows: Int, dimension: Int) {
    self.rows = rows
    self.dimension = dimension
    stride = ModelWeights.stride(for: dimension)
    let count = max(rows, 1) * stride
    base = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
      .bindMemory(to: Float.self, capacity: count)
    base.initialize(repeating: 0, count: count)
  }

  deinit { base.deallocate() }

  @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<Float> { base + r * stride }

  /// An unpadded copy.
  func matrix() -> Matrix {
    let m = Matrix(rows: rows, columns: dimension)
    for r in 0..<rows { m.rowPointer(r).update(from: row(r), count: dimension) }
    return m
  }
}
