import EmbeddingCore
import Foundation

/// Bytes a layer or model will need, by part, computed before anything is allocated.
///
/// ```swift
/// let e = MemoryEstimate.inputLayer(vocabularySize: 50_257, contextLength: 2_048,
///                                   dimension: 12_288, batchSize: 8, training: true)
/// print(e)            // token embedding 2.3 GiB, token gradient 2.3 GiB, …
/// try e.check()       // throws .outOfMemory if it exceeds what can be allocated
/// ```
public struct MemoryEstimate: Sendable, CustomStringConvertible {
  /// The parts, in allocation order, with their sizes in bytes.
  public var parts: [(name: String, bytes: Int)]

  /// Total bytes.
  public var total: Int {
    parts.reduce(0) { sum, part in
      let (r, overflow) = sum.addingReportingOverflow(part.bytes)
      return overflow ? Int.max : r
    }
  }

  /// Estimate for `InputEmbeddingLayer` plus one output tensor of `batchSize × contextLength`.
  ///
  /// With `training`, adds a gradient for each table and for the output.
  public static func inputLayer(
    vocabularySize: Int, contextLength: Int, dimension: Int, batchSize: Int, training: Bool
  ) -> MemoryEstimate {
    // Saturating products: absurd sizes (a dimension of Int.max) give Int.max, which any
    // limit rejects, instead of an overflow trap.
    func bytes(_ factors: Int...) -> Int {
      factors.reduce(MemoryLayout<Float>.stride) { product, x in
        let (r, overflow) = product.multipliedReportingOverflow(by: max(0, x))
        return overflow ? Int.max : r
      }
    }
    let v = vocabularySize
    let t = contextLength
    let c = dimension
    let n = batchSize
    var parts: [(String, Int)] = [
      ("token embedding", bytes(v, c)), ("positional embedding", bytes(t, c)),
      ("output tensor", bytes(n, t, c)),
    ]
    if training {
      parts += [
        ("token gradient", bytes(v, c)), ("positional gradient", bytes(t, c)),
        ("output gradient", bytes(n, t, c)),
      ]
    }
    return MemoryEstimate(parts: parts)
  }

  /// Throws `EmbeddingError.outOfMemory` if `total` exceeds `limit` (default:
  /// `MemoryLimit.current()`, the tightest of physical and available memory, `ulimit -v` and
  /// the cgroup limit).
  public func check(limit: Int? = nil) throws {
    let available = limit.map { MemoryLimit(bytes: $0, source: "the limit given") } ?? .current()
    if total > available.bytes {
      throw EmbeddingError.outOfMemory(
        requestedBytes: total,
        reason: "more than the \(available) that can be allocated (\(self)); use a "
          + "smaller vocabulary, dimension, context or batch")
    }
  }

  /// "token embedding 147.2 MiB, …, total 300.1 MiB".
  public var description: String {
    (parts.map { "\($0.name) \(ByteCount.format($0.bytes))" }
      + ["total \(ByteCount.format(total))"]).joined(separator: ", ")
  }
}
