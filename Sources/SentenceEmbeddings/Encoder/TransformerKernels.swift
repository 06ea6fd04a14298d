import EmbeddingCore
import Foundation

/// The element-wise and row-wise kernels of a BERT forward pass (everything but the matrix
/// products): embedding lookup, residual + LayerNorm, softmax and pooling.
///
/// Rows are independent, so threads split rows and results do not depend on the thread count.
enum TransformerKernels {
  /// Rows per parallel work item for the row-wise kernels.
  static let rowBlock = 16

  /// x[t] = LayerNorm(word[ids[t]] + position[p(t)] + type0), p restarting at 0 per sequence.
  ///
  /// x: [T × h]; word: [V × h]; position: [P × h]; type0: [h]. Ids are checked by the caller.
  static func embed(
    ids: [Int32], batch: RaggedBatch, weights: BertWeights, epsilon: Float,
    into x: UnsafeMutablePointer<Float>, threads: Int
  ) {
    let h = weights.wordEmbeddings.columns
    let out = UnsafeSendable(x)
    ids.withUnsafeBufferPointer { idBuffer in
      weights.tokenType.withUnsafeBufferPointer { type0 in
        let ids = UnsafeSendable(idBuffer)
        let type0 = UnsafeSendable(type0.baseAddress!)
        parallelFor(batch.count, threads: threads) { s in
          for p in 0..<batch.lengths[s] {
            let t = batch.offsets[s] + p
            let row = out.value + t * h
            let word = weights.wordEmbeddings.rowPointer(Int(ids.value[t]))
            let position = weights.positionEmbeddings.rowPointer(p)
            for j in 0..<h { row[j] = word[j] + position[j] + type0.value[j] }
          }
        }
      }
    }
    layerNorm(
      x, residual: nil, rows: batch.tokenCount, width: h, weights.embeddingNorm, epsilon,
      threads: threads)
  }

  /// x = LayerNorm(x + residual) row by row (plain LayerNorm when `residual` is nil).
  ///
  /// x, residual: [rows × width]; γ, β: [width]. Mean and variance in Double (biased variance,
  /// like PyTorch).
  static func layerNorm(
    _ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, rows: Int, width: Int,
    _ weights: LayerNormWeights, _ epsilon: Float, threads: Int
  ) {
    let xs = UnsafeSendable(x)
    let rs = UnsafeSendable(residual)
    weights.gamma.withUnsafeBufferPointer { g in
      weights.beta.withUnsafeBufferPointer { b in
        let gb = UnsafeSendable((g.baseAddress!, b.baseAddress!))
        let blocks = (rows + rowBlock - 1) / rowBlock
        parallelFor(blocks, threads: threads) { block in
          let (gamma, beta) = gb.value
          for r in block * rowBlock..<min(rows, (block + 1) * rowBlock) {
            let row = xs.value + r * width
            if let residual = rs.value {
              let other = residual + r * width
              for j in 0..<width { row[j] += other[j] }
            }
            var sum = 0.0
            for j in 0..<width { sum += Double(row[j]) }
            let mean = sum / Double(width)
            var squares = 0.0
            for j in 0..<width {
              let d = Double(row[j]) - mean
              squares += d * d
            }
            let inverse = Float(1 / (squares / Double(width) + Double(epsilon)).squareRoot())
            let m = Float(mean)
            for j in 0..<width { row[j] = (row[j] - m) * inverse * gamma[j] + beta[j] }
          }
        }
      }
    }
  }

  /// Softmax of each of `rows` rows of `width` values, in place (rows `stride` apart).
  static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
    for r in 0..<rows {
      let row = x + r * stride
      var top = -Float.infinity
      for j in 0..<width { top = Swift.max(top, row[j]) }
      var sum: Float = 0
      for j in 0..<width {
        let e = expf(row[j] - top)
        row[j] = e
        sum += e
      }
      let inverse = 1 / sum
      for j in 0..<width { row[j] *= inverse }
    }
  }

  /// Pools the token rows of each sequence into one row of `out`.
  ///
  /// x: [T × h] final hidden states; out: [batch.count × h].
  static func pool(
    _ x: UnsafePointer<Float>, batch: RaggedBatch, width h: Int, pooling: Pooling,
    into out: UnsafeMutablePointer<Float>
  ) {
    for s in 0..<batch.count {
      let first = x + batch.offsets[s] * h
      let n = batch.lengths[s]
      let row = out + s * h
      switch pooling {
      case .cls:
        row.update(from: first, count: h)
      case .max:
        row.update(from: first, count: h)
        for t in 1..<max(n, 1) {
          let token = first + t * h
          for j in 0..<h { row[j] = Swift.max(row[j], token[j]) }
        }
      case .mean, .meanSqrtLength:
        row.initialize(repeating: 0, count: h)
        for t in 0..<n { VectorKernels.axpy(1, first + t * h, row, h) }
        let divisor = pooling == .mean ? Float(n) : Float(n).squareRoot()
        VectorKernels.scale(row, 1 / divisor, h)
      }
    }
  }
}
