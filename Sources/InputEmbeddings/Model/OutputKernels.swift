import EmbeddingCore
import Foundation

/// Kernels of the output projection and softmax cross-entropy of `NextTokenModel`.
///
/// Shapes (N = batch × context tokens, V = vocabulary, C = dimension), all row-major:
/// x (N,C) input embeddings, W (V,C) output weights (the token table when tied),
/// logits (N,V), dW (V,C), dx (N,C). Threads split N (forward, dx) or V (dW), so no two
/// threads write the same float.
enum OutputKernels {
  /// logits[n,v] = Σ_c x[n,c]·W[v,c].
  static func logits(
    _ logits: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
    tokens N: Int, vocabulary V: Int, channels C: Int
  ) {
    parallelChunks(N, pieces: Parallelism.pieces(work: N * V * C, minimumWork: 1 << 18)) {
      _, rows in
      for n in rows {
        let xr = x + n * C
        let out = logits + n * V
        var v = 0
        while v + 4 <= V {
          let d = dot4(xr, w + v * C, C)
          out[v] = d.0
          out[v + 1] = d.1
          out[v + 2] = d.2
          out[v + 3] = d.3
          v += 4
        }
        while v < V {
          out[v] = VectorKernels.dot(xr, w + v * C, C)
          v += 1
        }
      }
    }
  }

  /// Turns each row of logits into dL/dlogits = (softmax − onehot(target)) · scale, where
  /// `scale = 1/N` for a mean loss, and returns the summed loss −Σ log softmax[target].
  /// - logits (N,V) in, dlogits (N,V) out (in place). targets (N).
  static func softmaxCrossEntropy(
    _ logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, tokens N: Int,
    vocabulary V: Int, scale: Float, computeGradient: Bool
  ) -> Double {
    let partial = UnsafeMutablePointer<Double>.allocate(capacity: N)
    defer { partial.deallocate() }
    parallelChunks(N, pieces: Parallelism.pieces(work: N * V * 8, minimumWork: 1 << 18)) {
      _, rows in
      for n in rows {
        let row = logits + n * V
        var m = -Float.infinity
        for v in 0..<V where row[v] > m { m = row[v] }
        var sum: Float = 0
        for v in 0..<V {
          let e = expf(row[v] - m)
          row[v] = e
          sum += e
        }
        let target = Int(targets[n])
        partial[n] = Double(logf(sum)) - Double(logf(max(row[target], .leastNormalMagnitude)))
        guard computeGradient else { continue }
        let k = scale / sum
        for v in 0..<V { row[v] *= k }
        row[target] -= scale
      }
    }
    var total = 0.0
    for n in 0..<N { total += partial[n] }
    return total
  }

  /// dx[n,:] = Σ_v g[n,v]·W[v,:].
  ///
  /// g (N,V), W (V,C), dx (N,C) written.
  static func inputGradient(
    _ dx: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, w: UnsafePointer<Float>,
    tokens N: Int, vocabulary V: Int, channels C: Int
  ) {
    parallelChunks(N, pieces: Parallelism.pieces(work: N * V * C, minimumWork: 1 << 18)) {
      _, rows in
      for n in rows {
        let out = dx + n * C
        out.update(repeating: 0, count: C)
        let gr = g + n * V
        var v = 0
        while v + 4 <= V {
          axpy4(gr[v], gr[v + 1], gr[v + 2], gr[v + 3], w + v * C, C, into: out)
          v += 4
        }
        while v < V {
          VectorKernels.axpy(gr[v], w + v * C, out, C)
          v += 1
        }
      }
    }
  }

  /// dW[v,:] += Σ_n g[n,v]·x[n,:].
  ///
  /// g (N,V), x (N,C), dW (V,C) accumulated.
  static func weightGradient(
    _ dw: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, x: UnsafePointer<Float>,
    tokens N: Int, vocabulary V: Int, channels C: Int
  ) {
    let block = 16
    let blocks = (V + block - 1) / block
    parallelChunks(blocks, pieces: Parallelism.pieces(work: N * V * C, minimumWork: 1 << 18)) {
      _, range in
      for b in range {
        let v0 = b * block
        let v1 = min(V, v0 + block)
        for n in 0..<N {
          let gr = g + n * V
          let xr = x + n * C
          for v in v0..<v1 {
            let a = gr[v]
            if a != 0 { VectorKernels.axpy(a, xr, dw + v * C, C) }
          }
        }
      }
    }
  }

  /// Four dot products of x with rows w, w+C, w+2C, w+3C.
  @inline(__always)
  static func dot4(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ C: Int)
    -> (Float, Float, Float, Float)
  {
    let rx = UnsafeRawPointer(x)
    let r0 = UnsafeRawPointer(w)
    let r1 = UnsafeRawPointer(w + C)
    let r2 = UnsafeRawPointer(w + 2 * C)
    let r3 = UnsafeRawPointer(w + 3 * C)
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var a3 = SIMD8<Float>()
    var c = 0
    while c + 8 <= C {
      let xv = rx.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      a0 += xv * r0.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      a1 += xv * r1.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      a2 += xv * r2.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      a3 += xv * r3.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      c += 8
    }
    var s = (a0.sum(), a1.sum(), a2.sum(), a3.sum())
    while c < C {
      s.0 += x[c] * w[c]
      s.1 += x[c] * w[C + c]
      s.2 += x[c] * w[2 * C + c]
      s.3 += x[c] * w[3 * C + c]
      c += 1
    }
    return s
  }

  /// out[c] += a0·w[c] + a1·w[C+c] + a2·w[2C+c] + a3·w[3C+c] for c in 0..<C (four rows of W).
  @inline(__always)
  static func axpy4(
    _ a0: Float, _ a1: Float, _ a2: Float, _ a3: Float, _ w: UnsafePointer<Float>, _ C: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    let ro = UnsafeMutableRawPointer(out)
    let r0 = UnsafeRawPointer(w)
    let r1 = UnsafeRawPointer(w + C)
    let r2 = UnsafeRawPointer(w + 2 * C)
    let r3 = UnsafeRawPointer(w + 3 * C)
    let v0 = SIMD8<Float>(repeating: a0)
    let v1 = SIMD8<Float>(repeating: a1)
    let v2 = SIMD8<Float>(repeating: a2)
    let v3 = SIMD8<Float>(repeating: a3)
    var c = 0
    while c + 8 <= C {
      var o = ro.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      o += v0 * r0.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      o += v1 * r1.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      o += v2 * r2.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      o += v3 * r3.loadUnaligned(fromByteOffset: c * 4, as: SIMD8<Float>.self)
      ro.storeBytes(of: o, toByteOffset: c * 4, as: SIMD8<Float>.self)
      c += 8
    }
    while c < C {
      out[c] += a0 * w[c] + a1 * w[C + c] + a2 * w[2 * C + c] + a3 * w[3 * C + c]
      c += 1
    }
  }
}
