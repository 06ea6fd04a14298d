import EmbeddingCore
import Foundation

/// How the token rows of a static model are weighted in a text's mean.
///
/// A WordPiece vocabulary lists tokens roughly by falling frequency, so a token's rank (its
/// position among the kept tokens) estimates its frequency by Zipf's law, p(r) ∝ 1/(r + 2)
/// (Model2Vec's estimate). Frequent tokens ("the", ",") carry little meaning and get small
/// weights.
///
/// ```swift
/// StaticWeighting.sif(a: 1e-4).weights(count: 5)  // rises from ≈0.0003 toward 1
/// ```
public enum StaticWeighting: Sendable, Equatable {
  /// SIF (Arora et al. 2017): a/(a + p(r)) with Zipf frequencies p; Model2Vec's default (a 1e-4).
  case sif(a: Double)
  /// log(1 + r): Model2Vec's earlier Zipf weighting.
  case zipf
  /// Every token weighs 1 (the plain mean).
  case none

  /// The weights of `count` tokens in rank order (rank 0 first).
  ///
  /// - Complexity: O(count).
  public func weights(count: Int) -> [Float] {
    switch self {
    case .none:
      return [Float](repeating: 1, count: count)
    case .zipf:
      return (0..<count).map { Float(log(1 + Double($0))) }
    case .sif(let a):
      var harmonic = 0.0
      for r in 0..<count { harmonic += 1 / Double(r + 2) }
      return (0..<count).map { r in
        let p = 1 / (Double(r + 2) * harmonic)
        return Float(a / (a + p))
      }
    }
  }

  /// Parses "sif", "zipf" or "none" (`a` is SIF's constant).
  ///
  /// - Throws: `EmbeddingError.invalidArgument` naming the accepted values.
  public init(name: String, a: Double = 1e-4) throws(EmbeddingError) {
    switch name {
    case "sif":
      guard a > 0 && a < 1 else {
        throw .invalidArgument("the SIF constant a must be in (0, 1), got \(a); 1e-4 is usual")
      }
      self = .sif(a: a)
    case "zipf": self = .zipf
    case "none": self = .none
    default:
      throw .invalidArgument("weighting must be sif, zipf or none (got '\(name)')")
    }
  }

  /// "sif a=0.0001", "zipf" or "none" (recorded in the model file).
  public var description: String {
    switch self {
    case .sif(let a): "sif a=\(a)"
    case .zipf: "zipf"
    case .none: "none"
    }
  }
}
