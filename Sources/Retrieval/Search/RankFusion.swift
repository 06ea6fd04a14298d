import EmbeddingCore
import Foundation

/// The two ways hybrid search combines the BM25 and dense rankings.
///
/// - `rrf`: reciprocal rank fusion (Cormack et al. 2009). Only ranks count, so scores on different
///   scales need no calibration, but how far ahead a document is in a list is lost.
/// - `convex`: a convex combination of the normalised scores, `alpha · N(cosine) + (1 − alpha) ·
///   N(bm25)` (Bruch et al. 2023, "An Analysis of Fusion Functions for Hybrid Retrieval"). It keeps
///   the score gaps; `alpha` sets the balance.
public enum FusionMethod: String, Sendable, Codable, CaseIterable {
  /// Reciprocal rank fusion: Σ weight / (constant + rank).
  case rrf
  /// Convex combination of normalised BM25 and cosine scores.
  case convex
}

/// How `convex` fusion brings BM25 and cosine scores to one scale, over the candidate documents.
public enum ScoreNormalization: String, Sendable, Codable, CaseIterable {
  /// (s − min) / (max − min): the best candidate 1, the worst 0.
  case minmax
  /// (s − mean) / standard deviation.
  case z
}

/// The fusion functions of hybrid search, on document indexes.
enum RankFusion {
  /// Weighted reciprocal rank fusion: Σ over lists of weight / (constant + rank), rank 1-based.
  ///
  /// ```
  /// rankings: lists of document indexes, best first → fused score per document in any list
  /// ```
  /// - Complexity: O(total list length).
  static func fuse(_ lists: [(ranking: [Int32], weight: Double)], constant: Double)
    -> [Int32: Double]
  {
    var scores: [Int32: Double] = [:]
    for list in lists {
      for (i, d) in list.ranking.enumerated() {
        scores[d, default: 0] += list.weight / (constant + Double(i + 1))
      }
    }
    return scores
  }

  /// Convex combination: `alpha · N(dense) + (1 − alpha) · N(lexical)`, N normalising over the
  /// candidates; a constant column (max = min, or zero deviation) contributes 0.
  ///
  /// ```
  /// candidates: [n] document indexes; lexical, dense: [n] their BM25 and cosine scores → [n] fused
  /// ```
  /// - Complexity: O(n).
  static func convex(
    lexical: [Double], dense: [Double], alpha: Double, normalization: ScoreNormalization
  ) -> [Double] {
    precondition(lexical.count == dense.count, "one BM25 and one dense score per candidate")
    let l = normalize(lexical, normalization)
    let d = normalize(dense, normalization)
    return zip(l, d).map { alpha * $0.1 + (1 - alpha) * $0.0 }
  }

  /// The scores brought to one scale (see `ScoreNormalization`).
  static func normalize(_ x: [Double], _ how: ScoreNormalization) -> [Double] {
    guard !x.isEmpty else { return [] }
    switch how {
    case .minmax:
      let lo = x.min() ?? 0
      let hi = x.max() ?? 0
      guard hi > lo else { return [Double](repeating: 0, count: x.count) }
      return x.map { ($0 - lo) / (hi - lo) }
    case .z:
      let mean = x.reduce(0, +) / Double(x.count)
      let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
      guard variance > 0 else { return [Double](repeating: 0, count: x.count) }
      let sd = variance.squareRoot()
      return x.map { ($0 - mean) / sd }
    }
  }
}
