import EmbeddingCore
import Foundation

/// Updates embedding tables from their gradients, then zeroes the gradients.
///
/// ```swift
/// var optimizer = GradientOptimizer.adamW(learningRate: 3e-3)
/// _ = try model.lossAndGradients(batch)
/// optimizer.step(model.parameters)
/// ```
public struct GradientOptimizer: Sendable {
  /// The update rule.
  public enum Rule: Sendable, Equatable {
    /// w −= lr·g (only rows with gradient are visited).
    case sgd
    /// Decoupled weight decay Adam (Loshchilov & Hutter), as `torch.optim.AdamW`.
    case adamW(beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float)
  }

  /// The rule.
  public let rule: Rule
  /// Learning rate.
  public var learningRate: Float
  /// Steps taken.
  public private(set) var steps = 0
  private var moments: [ObjectIdentifier: (m: Matrix, v: Matrix)] = [:]

  /// Plain stochastic gradient descent.
  public static func sgd(learningRate: Float) -> GradientOptimizer {
    GradientOptimizer(rule: .sgd, learningRate: learningRate)
  }

  /// AdamW with PyTorch's defaults (β = 0.9, 0.999, ε = 1e-8, weight decay 0.01).
  public static func adamW(
    learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0.01
  ) -> GradientOptimizer {
    GradientOptimizer(
      rule: .adamW(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay),
      learningRate: learningRate)
  }

  init(rule: Rule, learningRate: Float) {
    self.rule = rule
    self.learningRate = learningRate
  }

  /// Applies one update to every non-frozen table and zeroes its gradient.
  ///
  /// - Complexity: SGD O(touched rows × dim); AdamW O(rows × dim) (moments decay everywhere).
  public mutating func step(_ tables: [EmbeddingTable]) {
    steps += 1
    for table in tables where !table.isFrozen {
      guard let g = table.gradient else { continue }
      switch rule {
      case .sgd:
        sgd(table, g)
      case .adamW(let b1, let b2, let eps, let wd):
        adamW(table, g, b1, b2, eps, wd)
      }
      if let pad = table.paddingIndex {
        table.weights.rowPointer(pad).update(repeating: 0, count: table.dimension)
      }
      table.zeroGradient()
    }
  }

  private func sgd(_ table: EmbeddingTable, _ g: Matrix) {
    let c = table.dimension
    let lr = -learningRate
    if let rows = table.touchedRows {
      for r in rows {
        VectorKernels.axpy(lr, g.rowPointer(Int(r)), table.weights.rowPointer(Int(r)), c)
      }
    } else {
      let w = table.weights.baseAddress
      let gp = g.baseAddress
      parallelChunks(g.count, pieces: Parallelism.pieces(work: g.count), granule: 64) { _, range in
        VectorKernels.axpy(lr, gp + range.lowerBound, w + range.lowerBound, range.count)
      }
    }
  }

  private mutating func adamW(
    _ table: EmbeddingTable, _ g: Matrix, _ b1: Float, _ b2: Float, _ eps: Float, _ wd: Float
  ) {
    let key = ObjectIdentifier(table)
    let state =
      moments[key]
      ?? (
        Matrix(rows: table.rows, columns: table.dimension),
        Matrix(rows: table.rows, columns: table.dimension)
      )
    moments[key] = state
    let t = steps
    let correction1 = 1 - Float(pow(Double(b1), Double(t)))
    let correction2 = 1 - Float(pow(Double(b2), Double(t)))
    let lr = learningRate
    let decay = 1 - lr * wd
    let w = table.weights.baseAddress
    let gp = g.baseAddress
    let m = state.m.baseAddress
    let v = state.v.baseAddress
    parallelChunks(g.count, pieces: Parallelism.pieces(work: g.count), granule: 64) { _, range in
      for i in range {
        let gi = gp[i]
        let mi = b1 * m[i] + (1 - b1) * gi
        let vi = b2 * v[i] + (1 - b2) * gi * gi
        m[i] = mi
        v[i] = vi
        let update = (mi / correction1) / ((vi / correction2).squareRoot() + eps)
        w[i] = w[i] * decay - lr * update
      }
    }
  }
}
