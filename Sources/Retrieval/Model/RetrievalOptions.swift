import EmbeddingCore
import Foundation

/// How documents are cut into chunks: windows of encoder tokens, preferring to end at a sentence.
///
/// A chunk holds at most `tokens` tokens; the next chunk starts `overlap` tokens before the previous
/// one ended (the sliding window). When a sentence ends in the last half of a window, the chunk ends
/// there instead.
public struct ChunkingOptions: Sendable, Equatable, Codable {
  /// Maximum tokens per chunk.
  public var tokens: Int
  /// Tokens shared by consecutive chunks.
  public var overlap: Int

  /// Creates chunking options (defaults: 256 tokens, 32 overlap, the MiniLM input length).
  public init(tokens: Int = 256, overlap: Int = 32) {
    self.tokens = tokens
    self.overlap = overlap
  }

  func validate() throws(EmbeddingError) {
    guard tokens >= 8 else {
      throw .invalidArgument("chunk size must be at least 8 tokens (got \(tokens))")
    }
    guard overlap >= 0, overlap < tokens / 2 else {
      throw .invalidArgument(
        "chunk overlap must be in 0..<\(tokens / 2) (half the chunk size), got \(overlap)")
    }
  }
}

/// Okapi BM25 parameters (defaults k1 0.9, b 0.4: Pyserini's BEIR settings).
public struct BM25Parameters: Sendable, Equatable, Codable {
  /// Term-frequency saturation.
  public var k1: Double
  /// Length normalisation, 0 (none) to 1 (full).
  public var b: Double

  /// Creates parameters.
  public init(k1: Double = 0.9, b: Double = 0.4) {
    self.k1 = k1
    self.b = b
  }
}

/// How hybrid search fuses the BM25 and dense rankings (default: RRF, constant 60, equal weights).
///
/// Each list is cut at `depth` documents; the union is the candidate set. `method` `.convex` scores
/// each candidate `alpha · N(cosine) + (1 − alpha) · N(bm25)`, N = `normalization` over the
/// candidates (BM25 is 0 for a document without a query word); `.rrf` adds `weight / (constant + r)`
/// for a document at rank r (1-based) in a list.
public struct FusionParameters: Sendable, Equatable, Codable {
  /// Convex score combination or reciprocal rank fusion.
  public var method: FusionMethod
  /// Convex: the dense share, 0 (BM25 only) to 1 (dense only).
  public var alpha: Double
  /// Convex: how both score lists are brought to one scale.
  public var normalization: ScoreNormalization
  /// RRF: the rank constant (Cormack and colleagues used 60).
  public var constant: Double
  /// RRF: weight of the BM25 list.
  public var bm25Weight: Double
  /// RRF: weight of the dense list.
  public var denseWeight: Double
  /// Documents taken from each list.
  public var depth: Int

  /// Creates fusion parameters.
  public init(
    method: FusionMethod = .rrf, alpha: Double = 0.5,
    normalization: ScoreNormalization = .minmax, constant: Double = 60, bm25Weight: Double = 1,
    denseWeight: Double = 1, depth: Int = 100
  ) {
    self.method = method
    self.alpha = alpha
    self.normalization = normalization
    self.constant = constant
    self.bm25Weight = bm25Weight
    self.denseWeight = denseWeight
    self.depth = depth
  }

  func validate() throws(EmbeddingError) {
    guard alpha >= 0, alpha <= 1 else {
      throw .invalidArgument("fusion alpha must be in 0...1 (the dense share), got \(alpha)")
    }
    guard constant >= 0 else {
      throw .invalidArgument("the RRF constant must be 0 or more, got \(constant)")
    }
    guard depth > 0 else {
      throw .invalidArgument("fusion depth must be at least 1, got \(depth)")
    }
  }
}

/// Everything a search needs besides the query: BM25 parameters, fusion and the HNSW beam.
public struct SearchParameters: Sendable, Equatable, Codable {
  /// BM25 parameters.
  public var bm25: BM25Parameters
  /// Hybrid fusion parameters.
  public var fusion: FusionParameters
  /// HNSW beam width when the index has a graph; nil searches exactly even then.
  public var ef: Int?
  /// Binary precision: chunks taken by Hamming distance and re-scored with the float query
  /// (0: rank by Hamming distance alone).
  public var rescore: Int

  /// Creates search parameters.
  public init(
    bm25: BM25Parameters = .init(), fusion: FusionParameters = .init(), ef: Int? = 128,
    rescore: Int = 100
  ) {
    self.bm25 = bm25
    self.fusion = fusion
    self.ef = ef
    self.rescore = rescore
  }
}
