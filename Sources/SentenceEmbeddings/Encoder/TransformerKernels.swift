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
            VectorKernels.add(word, position, into: row, h)
            VectorKernels.add(row, type0.value, into: row, h)
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
  /// x, residual: [rows × width]; γ, β: [width]. Two passes (mean, then squared deviations)
  /// in `SIMD8<Float>` lanes; biased variance, like PyTorch.
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
              VectorKernels.add(row, residual + r * width, into: row, width)
            }
            normalizeRow(row, width: width, gamma: gamma, beta: beta, epsilon: epsilon)
          }
        }
      }
    }
  }

  /// row = (row − mean) / √(var + ε) · γ + β for one row of `width` floats.
  @inline(__always)
  static func normalizeRow(
    _ row: UnsafeMutablePointer<Float>, width: Int, gamma: UnsafePointer<Float>,
    beta: UnsafePointer<Float>, epsilon: Float
  ) {
    let raw = UnsafeMutableRawPointer(row)
    let vectors = width / 8 * 8
    var acc = SIMD8<Float>()
    var j = 0
    while j < vectors {
      acc += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
      j += 8
    }
    var sum = acc.sum()
    for i in vectors..<width { sum += row[i] }
    let mean = sum / Float(width)
    let m = SIMD8<Float>(repeating: mean)
    acc = SIMD8<Float>()
    j = 0
    while j < vectors {
      let d = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - m
      acc += d * d
      j += 8
    }
    var squares = acc.sum()
    for i in vectors..<width { squares += (row[i] - mean) * (row[i] - mean) }
    let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
    let s = SIMD8<Float>(repeating: inverse)
    let rg = UnsafeRawPointer(gamma)
    let rb = UnsafeRawPointer(beta)
    j = 0
    while j < vectors {
      let v = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
      let y =
        (v - m) * s * rg.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        + rb.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
      raw.storeBytes(of: y, toByteOffset: j * 4, as: SIMD8<Float>.self)
      j += 8
    }
    for i in vectors..<width { row[i] = (row[i] - mean) * inverse * gamma[i] + beta[i] }
  }

  /// Softmax of each of `rows` rows of `width` values, in place (rows `stride` apart).
  static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
    Softmax.rows(x, rows: rows, width: width, stride: stride)
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
