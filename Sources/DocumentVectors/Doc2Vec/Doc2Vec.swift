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

  /// Allocates a model for `vocabulary` and `tags` with randomly initialised vectors (uniform
  /// in ±0.5/vectorSize, as gensim).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for a bad configuration or no tags.
  public init(
    vocabulary: Word2VecVocabulary, tags: [String], configuration: Doc2VecConfiguration
  ) throws {
    try configuration.validate()
    guard !tags.isEmpty else {
      throw EmbeddingError.invalidArgument("no documents: the corpus is empty")
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
    weights = ModelWeights(
      rows: vocabulary.count, dimension: configuration.vectorSize,
      negative: configuration.negative > 0, hierarchical: configuration.hs)
    documents = PaddedRows(rows: unique.count, dimension: configuration.vectorSize)
    var rng = SeededGenerator(seed: configuration.seed)
    let d = configuration.vectorSize
    for r in 0..<vocabulary.count {
      let row = weights.input + r * weights.stride
      for c in 0..<d { row[c] = (rng.nextFloat() - 0.5) / Float(d) }
    }
    for r in 0..<unique.count {
      let row = documents.row(r)
      for c in 0..<d { row[c] = (rng.nextFloat() - 0.5) / Float(d) }
    }
    tables = TrainingTables(
      counts: vocabulary.counts, sample: configuration.sample, hierarchical: configuration.hs)
  }

  /// Restores a model (used by `load(from:)`).
  init(
    configuration: Doc2VecConfiguration, vocabulary: Word2VecVocabulary, tags: [String],
    weights: ModelWeights, documents: PaddedRows, epochsTrained: Int
  ) {
    self.configuration = configuration
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
