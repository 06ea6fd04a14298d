import EmbeddingCore
import Foundation

/// Multi-head self-attention over a ragged batch: each (sequence, head) pair attends only to
/// its own sequence's tokens, so no padding mask is needed and no padded work is done.
///
/// Equal to BERT's masked attention: there a padded key gets −∞ (or float min) before the
/// softmax, so its weight is exactly zero.
enum SelfAttention {
  /// context[t, head] = softmax(Q·Kᵀ / √d) · V for every sequence and head.
  ///
  /// qkv: [T × 3h] rows of Q | K | V (head `i` at columns i·d ..< (i+1)·d of each part);
  /// context: [T × h]. d = h / heads.
  /// - Complexity: O(Σ L² · h) for sequences of lengths L.
  static func forward(
    qkv: UnsafePointer<Float>, batch: RaggedBatch, hidden h: Int, heads: Int,
    into context: UnsafeMutablePointer<Float>, threads: Int
  ) {
    let d = h / heads
    let scale = 1 / Float(d).squareRoot()
    let input = UnsafeSendable(qkv)
    let output = UnsafeSendable(context)
    // Longest sequences first, so the last work items are short ones.
    let order = (0..<batch.count).sorted { batch.lengths[$0] > batch.lengths[$1] }
    parallelFor(batch.count * heads, threads: threads) { item in
      let s = order[item / heads]
      let head = item % heads
      let n = batch.lengths[s]
      let rows = input.value + batch.offsets[s] * 3 * h
      let scores = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
      defer { scores.deallocate() }
      // scores: [n × n] = Q_head [n × d] · K_headᵀ, scaled.
      MatrixMultiply.gemm(
        m: n, n: n, k: d, alpha: scale, a: rows + head * d, lda: 3 * h,
        b: rows + h + head * d, ldb: 3 * h, transposeB: true, c: scores, ldc: n)
      TransformerKernels.softmax(scores, rows: n, width: n, stride: n)
      // context_head: [n × d] = P [n × n] · V_head [n × d].
      MatrixMultiply.gemm(
        m: n, n: d, k: n, a: scores, lda: n, b: rows + 2 * h + head * d, ldb: 3 * h,
        transposeB: false, c: output.value + batch.offsets[s] * h + head * d, ldc: h)
    }
  }
}
