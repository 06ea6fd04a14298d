import EmbeddingCore
import Foundation

/// Gradient descent on the t-SNE map: momentum, per-coordinate gains, step cap.
///
/// Layout: `y`, `update`, `gains`, `gradient` are interleaved (x, y) per point, 2n doubles.
/// Gradient of KL(P‖Q) without the constant factor 4 (openTSNE's convention, so the learning
/// rate n / exaggeration matches theirs):
///   g_i = exaggeration · Σ_j p_ij q̃_ij (y_i − y_j) − Σ_j q̃_ij² (y_i − y_j) / Z,
/// with q̃_ij = 1 / (1 + |y_i − y_j|²) and Z = Σ_{i≠j} q̃_ij.
final class TSNEOptimizer: @unchecked Sendable {
  let p: Affinities
  var y: [Double]
  let n: Int
  let method: TSNE.Method
  let config: TSNE.Configuration
  /// Fixed number of work chunks, so sums are added in the same order for any thread count.
  let chunks: Int

  init(p: Affinities, y: [Double], n: Int, method: TSNE.Method, config: TSNE.Configuration) {
    self.p = p
    self.y = y
    self.n = n
    self.method = method
    self.config = config
    chunks = min(n, 64)
  }

  /// Runs all iterations; returns the final KL divergence.
  func run(progress: ProgressHandler?, cancellation: CancellationToken?) throws(EmbeddingError)
    -> Double
  {
    var update = [Double](repeating: 0, count: 2 * n)
    var gains = [Double](repeating: 1, count: 2 * n)
    let repulsion = SharedBuffer<Double>(count: 2 * n, value: 0)
    let attraction = SharedBuffer<Double>(count: 2 * n, value: 0)
    let started = MonotonicClock.now()
    let total = config.iterations
    var lastKL = 0.0
    for iteration in 0..<total {
      if let cancellation, cancellation.isCancelled { throw .cancelled }
      let early = iteration < config.earlyExaggerationIterations
      let exaggeration = early ? config.earlyExaggeration : config.exaggeration
      let momentum = early ? config.initialMomentum : config.finalMomentum
      let rate = config.learningRate ?? max(1, Double(n) / exaggeration)
      let z = repulsiveForces(into: repulsion)
      attractiveForces(into: attraction)
      let invZ = 1 / z
      for c in 0..<(2 * n) {
        let g = exaggeration * attraction[c] - repulsion[c] * invZ
        // Gains grow where the gradient changed sign against the last step, shrink otherwise.
        if (g > 0) != (update[c] > 0) {
          gains[c] += 0.2
        } else {
          gains[c] = max(gains[c] * 0.8, 0.01)
        }
        update[c] = momentum * update[c] - rate * gains[c] * g
      }
      var meanX = 0.0
      var meanY = 0.0
      for i in 0..<n {
        let ux = update[2 * i]
        let uy = update[2 * i + 1]
        let norm = (ux * ux + uy * uy).squareRoot()
        if norm > 5 {  // cap each point's step (openTSNE's max_step_norm)
          update[2 * i] *= 5 / norm
          update[2 * i + 1] *= 5 / norm
        }
        y[2 * i] += update[2 * i]
        y[2 * i + 1] += update[2 * i + 1]
        meanX += y[2 * i]
        meanY += y[2 * i + 1]
      }
      meanX /= Double(n)
      meanY /= Double(n)
      for i in 0..<n {
        y[2 * i] -= meanX
        y[2 * i + 1] -= meanY
      }
      let last = iteration == total - 1
      if let progress, (iteration + 1) % 50 == 0 || last {
        lastKL = klDivergence(z: z)
        progress(
          ProgressReport(
            stage: "t-SNE", completed: iteration + 1, total: total, unit: "iterations",
            elapsed: MonotonicClock.now() - started, metrics: ["KL": lastKL]))
      }
    }
    let z = repulsiveForces(into: repulsion)
    return klDivergence(z: z)
  }

  /// KL(P‖Q) = Σ p_ij log(p_ij Z / q̃_ij) over the stored (non-zero) p_ij.
  func klDivergence(z: Double) -> Double {
    let partial = SharedBuffer<Double>(count: chunks, value: 0)
    let logZ = log(z)
    y.withUnsafeBufferPointer { ybuf in
      let ys = UnsafeSendable(ybuf.baseAddress!)
      parallelFor(chunks, threads: config.threads) { chunk in
        var s = 0.0
        for i in (chunk * self.n / self.chunks)..<((chunk + 1) * self.n / self.chunks) {
          for e in self.p.rowStart[i]..<self.p.rowStart[i + 1] {
            let j = Int(self.p.columns[e])
            let pij = Double(self.p.values[e])
            if pij <= 0 { continue }
            let dx = ys.value[2 * i] - ys.value[2 * j]
            let dy = ys.value[2 * i + 1] - ys.value[2 * j + 1]
            s += pij * (log(pij) + logZ + log(1 + dx * dx + dy * dy))
          }
        }
        partial[chunk] = s
      }
    }
    return partial.array().reduce(0, +)
  }

  /// Σ_j p_ij q̃_ij (y_i − y_j) for every i.
  func attractiveForces(into out: SharedBuffer<Double>) {
    y.withUnsafeBufferPointer { ybuf in
      let ys = UnsafeSendable(ybuf.baseAddress!)
      p.rowStart.withUnsafeBufferPointer { rs in
        p.columns.withUnsafeBufferPointer { cs in
          p.values.withUnsafeBufferPointer { vs in
            let rs = UnsafeSendable(rs.baseAddress!)
            let cs = UnsafeSendable(cs.baseAddress!)
            let vs = UnsafeSendable(vs.baseAddress!)
            parallelFor(chunks, threads: config.threads) { chunk in
              let y = ys.value
              for i in (chunk * self.n / self.chunks)..<((chunk + 1) * self.n / self.chunks) {
                var fx = 0.0
                var fy = 0.0
                let xi = y[2 * i]
                let yi = y[2 * i + 1]
                for e in rs.value[i]..<rs.value[i + 1] {
                  let j = Int(cs.value[e])
                  let dx = xi - y[2 * j]
                  let dy = yi - y[2 * j + 1]
                  let w = Double(vs.value[e]) / (1 + dx * dx + dy * dy)
                  fx += w * dx
                  fy += w * dy
                }
                out[2 * i] = fx
                out[2 * i + 1] = fy
              }
            }
          }
        }
      }
    }
  }

  /// Σ_j q̃_ij² (y_i − y_j) for every i (unnormalised); returns Z = Σ_{i≠j} q̃_ij.
  func repulsiveForces(into out: SharedBuffer<Double>) -> Double {
    let partial = SharedBuffer<Double>(count: chunks, value: 0)
    let n = self.n
    let chunks = self.chunks
    if method == .exact {
      y.withUnsafeBufferPointer { ybuf in
        let ys = UnsafeSendable(ybuf.baseAddress!)
        parallelFor(chunks, threads: config.threads) { chunk in
          let y = ys.value
          var zsum = 0.0
          for i in (chunk * n / chunks)..<((chunk + 1) * n / chunks) {
            var fx = 0.0
            var fy = 0.0
            let xi = y[2 * i]
            let yi = y[2 * i + 1]
            for j in 0..<n where j != i {
              let dx = xi - y[2 * j]
              let dy = yi - y[2 * j + 1]
              let q = 1 / (1 + dx * dx + dy * dy)
              zsum += q
              fx += q * q * dx
              fy += q * q * dy
            }
            out[2 * i] = fx
            out[2 * i + 1] = fy
          }
          partial[chunk] = zsum
        }
      }
    } else {
      let tree = y.withUnsafeBufferPointer { QuadTree($0.baseAddress!, n: n) }
      let packed = tree.compact()
      let order = tree.leafOrder(count: n)
      let theta2 = Float(config.theta * config.theta)
      y.withUnsafeBufferPointer { ybuf in
        packed.withUnsafeBufferPointer { nbuf in
          order.withUnsafeBufferPointer { obuf in
            let ys = UnsafeSendable(ybuf.baseAddress!)
            let nodes = UnsafeSendable(nbuf.baseAddress!)
            let order = UnsafeSendable(obuf.baseAddress!)
            parallelFor(chunks, threads: config.threads) { chunk in
              var zsum = 0.0
              withUnsafeTemporaryAllocation(of: Int32.self, capacity: 256) { sbuf in
                let stack = sbuf.baseAddress!
                let nodes = nodes.value
                let y = ys.value
                for o in (chunk * n / chunks)..<((chunk + 1) * n / chunks) {
                  let i = Int(order.value[o])
                  let xi = Float(y[2 * i])
                  let yi = Float(y[2 * i + 1])
                  var fx: Float = 0
                  var fy: Float = 0
                  var z: Float = 0
                  var top = 1
                  stack[0] = 0
                  while top > 0 {
                    top -= 1
                    let node = nodes + Int(stack[top])
                    let count = node.pointee.count
                    if count == 0 { continue }
                    let dx = xi - node.pointee.centreX
                    let dy = yi - node.pointee.centreY
                    let d2 = dx * dx + dy * dy
                    let first = node.pointee.firstChild
                    if first < 0 || node.pointee.side2 < theta2 * d2 {
                      // A leaf at distance 0 holds point i itself (and any exact duplicates).
                      let m = (first < 0 && d2 == 0) ? count - 1 : count
                      let q = 1 / (1 + d2)
                      z += m * q
                      let mq2 = m * q * q
                      fx += mq2 * dx
                      fy += mq2 * dy
                    } else {
                      stack[top] = first
                      stack[top + 1] = first + 1
                      stack[top + 2] = first + 2
                      stack[top + 3] = first + 3
                      top += 4
                    }
                  }
                  zsum += Double(z)
                  out[2 * i] = Double(fx)
                  out[2 * i + 1] = Double(fy)
                }
              }
              partial[chunk] = zsum
            }
          }
        }
      }
    }
    return max(partial.array().reduce(0, +), 1e-300)
  }
}
