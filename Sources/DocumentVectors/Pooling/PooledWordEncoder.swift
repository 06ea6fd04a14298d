import EmbeddingCore
import Foundation
import WordEmbeddings

/// A sentence encoder that averages word vectors: the plain mean, or SIF (Arora, Liang & Ma
/// 2017, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings").
///
/// Text is cut into words by `splitter` (choose the normalisation the vectors were trained
/// with); words the vectors do not know are skipped. SIF weights each word by a/(a + p(w)) and
/// removes the corpus's first principal component, both fitted once by `SIFModel.fit`.
///
/// ```swift
/// let vectors = try WordVectors.load(contentsOf: "vectors.bin")
/// let mean = PooledWordEncoder(vectors: vectors, splitter: WordSplitter(.text8))
/// let sif = try PooledWordEncoder(
///   vectors: vectors, sif: SIFModel.fit(vectors: vectors, corpora: ["corpus.txt"]))
/// let rows = try sif.encode(["a man is dancing", "someone dances"], role: .plain)
/// ```
///
/// A text with no known word (empty, or only unknown words) encodes to the ZERO vector, never
/// NaN; `encodeWithCoverage` says which texts those were (`knownWords[i] == 0`). Cosine
/// similarity with a zero vector is undefined: callers that rank should treat it as no match.
///
/// - Complexity: O(words × dimension) per text; texts are encoded on `threads` threads.
public struct PooledWordEncoder: TextEncoder {
  /// How the word vectors of a text are combined.
  public enum Pooling: Sendable {
    /// The plain mean of the known words' vectors.
    case mean
    /// SIF: the a/(a + p(w))-weighted mean, minus its projection on the common component.
    case sif(SIFModel)
  }

  /// The result of `encodeWithCoverage`: vectors and how many words of each text were known.
  public struct Encoding: Sendable {
    /// `texts.count × dimension`, row i for text i (zero rows for texts with no known word).
    public var vectors: Matrix
    /// Known (in-vocabulary) words of each text.
    public var knownWords: [Int]
    /// Indices of the texts with no known word (their rows are zero).
    public var textsWithoutKnownWords: [Int] {
      knownWords.indices.filter { knownWords[$0] == 0 }
    }
  }

  /// The word vectors averaged.
  public let vectors: WordVectors
  /// Mean or SIF.
  public let pooling: Pooling
  /// How text is cut into words before lookup.
  public let splitter: WordSplitter
  /// Whether vectors are scaled to unit length (zero vectors stay zero) (default true).
  public let normalize: Bool
  /// Threads used by `encode` for batches of texts (default: active cores).
  public var threads = Parallelism.defaultThreads
  /// Identity: kind "mean-word-vectors" or "sif".
  public let descriptor: EncoderDescriptor

  /// A mean-pooling encoder over `vectors`.
  ///
  /// - Parameter name: the name recorded in `descriptor` (e.g. the vectors' file name).
  /// - Complexity: O(V × dimension) once, to fingerprint the vectors.
  public init(
    vectors: WordVectors, splitter: WordSplitter = WordSplitter(), normalize: Bool = true,
    name: String = "word-vectors"
  ) {
    self.vectors = vectors
    self.pooling = .mean
    self.splitter = splitter
    self.normalize = normalize
    descriptor = EncoderDescriptor(
      kind: "mean-word-vectors", name: name, dimension: vectors.dimension,
      fingerprint: "\(matrixFingerprint(vectors.matrix))-\(splitter.normalization.rawValue)",
      pooling: "mean", normalized: normalize)
  }

  /// A SIF encoder over `vectors` with a model fitted on them (its splitter is the model's).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` if `sif` was fitted on other vectors (its
  ///   fingerprint, row count or dimension differ): refit it with `SIFModel.fit`.
  /// - Complexity: O(V × dimension) once, to fingerprint the vectors.
  public init(
    vectors: WordVectors, sif: SIFModel, normalize: Bool = true, name: String = "word-vectors"
  ) throws {
    let fingerprint = matrixFingerprint(vectors.matrix)
    guard sif.weights.count == vectors.count, sif.component.count == vectors.dimension,
      sif.vectorsFingerprint == fingerprint
    else {
      throw EmbeddingError.invalidArgument(
        "the SIF model was fitted on other word vectors (\(sif.weights.count) × "
          + "\(sif.component.count), fingerprint \(sif.vectorsFingerprint)) than these "
          + "(\(vectors.count) × \(vectors.dimension), fingerprint \(fingerprint)); refit it "
          + "with `embed sif fit --vectors <these vectors>`")
    }
    self.vectors = vectors
    self.pooling = .sif(sif)
    self.splitter = WordSplitter(sif.normalization)
    self.normalize = normalize
    descriptor = EncoderDescriptor(
      kind: "sif", name: name, dimension: vectors.dimension,
      fingerprint: "\(fingerprint)-\(sif.fingerprint)", pooling: "sif", normalized: normalize)
  }

  /// Encodes `texts` to a `texts.count × dimension` matrix (the role is ignored: no prefixes).
  public func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    encodeWithCoverage(texts).vectors
  }

  /// The UTF-8 byte ranges of the words `splitter` cuts `text` into (unknown words included).
  public func tokenSpans(of text: String) -> [Range<Int>] {
    splitter.spans(of: text)
  }

  /// Encodes `texts` and reports how many words of each were known.
  ///
  /// - Complexity: O(total words × dimension), spread over `threads` threads.
  public func encodeWithCoverage(_ texts: [String]) -> Encoding {
    let d = vectors.dimension
    let out = Matrix(rows: texts.count, columns: d)
    let known = SharedBuffer<Int>(count: texts.count, value: 0)
    var weights: [Float] = []
    var component: [Float] = []
    if case .sif(let model) = pooling {
      weights = model.weights
      component = model.component
    }
    let isSIF = !weights.isEmpty
    let shared = UnsafeSendable((texts, weights, component))
    let blocks = (texts.count + 63) / 64
    parallelFor(blocks, threads: texts.count >= 256 ? threads : 1) { block in
      let (texts, weights, component) = shared.value
      weights.withUnsafeBufferPointer { w in
        component.withUnsafeBufferPointer { c in
          for i in (block * 64)..<min(texts.count, block * 64 + 64) {
            var text = texts[i]
            let row = out.rowPointer(i)
            let n = text.withUTF8 {
              WordPooling.pool(
                UnsafeRawBufferPointer($0), vectors: vectors, splitter: splitter,
                weights: isSIF ? w.baseAddress : nil, into: row)
            }
            known[i] = n
            if n > 0 && isSIF, let base = c.baseAddress {
              WordPooling.removeComponent(base, from: row, d)
            }
            if normalize { VectorKernels.normalize(row, d) }
          }
        }
      }
    }
    return Encoding(vectors: out, knownWords: known.array())
  }
}
