import EmbeddingCore
import Foundation
import Tokenization

/// A `TextEncoder` over a static model: WordPiece tokens → weighted mean of their rows →
/// unit length. A tokenizer pass and a few additions per token, no transformer.
///
/// Like Model2Vec's `StaticModel.encode`: no `[CLS]`/`[SEP]`, `[UNK]` pieces are skipped, and a
/// text is cut after `maxTokens` pieces (default 512). A text with no known piece (empty, or only
/// unknown characters) encodes to the ZERO vector, never NaN.
///
/// ```swift
/// let encoder = StaticEncoder(model: try StaticModel.load(from: "minilm-static.eks"))
/// let rows = try encoder.encode(["a cat sat on the mat", "a kitten rests"], role: .plain)
/// VectorKernels.dot(rows.rowPointer(0), rows.rowPointer(1), rows.columns)  // cosine
/// ```
/// - Complexity: O(text bytes + pieces × dimension) per text, texts spread over `threads`.
public struct StaticEncoder: TextEncoder {
  /// The rows, weights and tokenizer.
  public let model: StaticModel
  /// Pieces kept per text (nil: all).
  public var maxTokens: Int?
  /// Threads for batches of at least 256 texts (default: active cores).
  public var threads = Parallelism.defaultThreads
  /// Identity: kind "static", pooling "weighted-mean", normalised.
  public let descriptor: EncoderDescriptor

  /// An encoder over `model`; `name` is recorded in the descriptor (e.g. the file name).
  ///
  /// - Complexity: O(V × dimension) once, to fingerprint the model.
  public init(model: StaticModel, name: String? = nil, maxTokens: Int? = 512) {
    self.model = model
    self.maxTokens = maxTokens
    descriptor = EncoderDescriptor(
      kind: "static", name: name ?? "\(model.metadata.sourceModel)-static\(model.dimension)",
      dimension: model.dimension, fingerprint: model.fingerprint, pooling: "weighted-mean",
      normalized: true)
  }

  /// Loads the model file at `path` (see `StaticModel.load`) and names the encoder after it.
  public init(path: String, maxTokens: Int? = 512) throws {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let stem = name.hasSuffix(".xz") ? String(name.dropLast(3)) : name
    self.init(
      model: try StaticModel.load(from: path),
      name: stem.hasSuffix(".eks") ? String(stem.dropLast(4)) : stem, maxTokens: maxTokens)
  }

  /// Encodes `texts` to a `texts.count × dimension` matrix (the role is ignored: no prefixes).
  public func encode(_ texts: [String], role: TextRole) throws -> Matrix {
    encodeCounting(texts).vectors
  }

  /// Encodes `texts`, counts the known pieces of each (0: a zero row) and the texts cut at
  /// `maxTokens`.
  ///
  /// - Complexity: O(total bytes + total pieces × dimension).
  public func encodeCounting(_ texts: [String]) -> (vectors: Matrix, pieces: [Int], truncated: Int)
  {
    let d = model.dimension
    let out = Matrix(rows: texts.count, columns: d)
    let counts = SharedBuffer<Int>(count: texts.count, value: 0)
    let cut = SharedBuffer<Int>(count: texts.count, value: 0)
    let shared = UnsafeSendable(texts)
    let blocks = (texts.count + 63) / 64
    let limit = maxTokens.map { $0 + 2 }
    parallelFor(blocks, threads: texts.count >= 256 ? threads : 1) { block in
      let texts = shared.value
      model.weights.withUnsafeBufferPointer { w in
        for i in (block * 64)..<min(texts.count, block * 64 + 64) {
          let encoding = model.tokenizer.encode(texts[i], maxLength: limit)
          cut[i] = encoding.truncated ? 1 : 0
          counts[i] = accumulate(
            encoding.ids.dropFirst().dropLast(), weights: w, into: out.rowPointer(i))
        }
      }
    }
    return (out, counts.array(), cut.array().reduce(0, +))
  }

  /// row = Σ w[id] · rows[id] over the known ids, then unit length; returns the ids used.
  /// rows: [V × d]; row: d floats, zeroed by the caller's fresh matrix.
  private func accumulate(
    _ ids: ArraySlice<Int32>, weights w: UnsafeBufferPointer<Float>,
    into row: UnsafeMutablePointer<Float>
  ) -> Int {
    let d = model.dimension
    let unknown = model.tokenizer.unknownID
    var used = 0
    for id in ids where id != unknown {
      let weight = w[Int(id)]
      if weight == 0 { continue }
      VectorKernels.axpy(weight, model.rows.rowPointer(Int(id)), row, d)
      used += 1
    }
    if used > 0 { _ = VectorKernels.normalize(row, d) }
    return used
  }

  /// The UTF-8 byte ranges of the word pieces of `text`, without `[CLS]`/`[SEP]`, untruncated.
  public func tokenSpans(of text: String) -> [Range<Int>] {
    Array(model.tokenizer.encode(text, maxLength: nil).spans.dropFirst().dropLast())
  }
}
