import EmbeddingCore
/// The token + position embedding kernels (forward and backward), llm.c's `encoder_forward` /
/// `encoder_backward` in Swift.
///
/// Threads split the embedding *columns*: each thread owns columns `c0..<c1` of every row, so
/// the scatter-add of the backward pass never has two threads writing the same float, needs no
/// locks or atomics, and sums in a fixed order (results do not depend on the thread count).
enum EncoderKernels {
  /// out[b,t,:] = wte[ids[b,t],:] + wpe[t,:].
  ///
  /// - out: (B,T,C) row-major, written.
  /// - ids: (B,T) token IDs, each in 0..<V (checked by the caller).
  /// - wte: (V,C) token embedding.  wpe: (maxT,C) positional embedding, T <= maxT.
  ///
  /// Loops run t outer, b inner, so the `wpe[t]` piece stays in L1 across the batch.
  static func forward(
    out: UnsafeMutablePointer<Float>, ids: UnsafePointer<Int32>, wte: UnsafePointer<Float>,
    wpe: UnsafePointer<Float>, batch B: Int, context T: Int, channels C: Int
  ) {
    parallelChunks(C, pieces: Parallelism.pieces(work: B * T * C), granule: 16) { _, cols in
      let c0 = cols.lowerBound
      let n = cols.count
      for t in 0..<T {
        let p = wpe + t * C + c0
        for b in 0..<B {
          let bt = b * T + t
          VectorKernels.add(wte + Int(ids[bt]) * C + c0, p, into: out + bt * C + c0, n)
        }
      }
    }
  }

  /// dwte[ids[b,t],:] += dout[b,t,:] (or = where `assign[b·T+t]` is 1: the row's first write
  /// since a lazy zeroing), skipping `paddingID`; dwpe[t,:] += Σ_b dout[b,t,:].
  ///
  /// - dout: (B,T,C) gradient of the loss with respect to the layer's output.
  /// - ids: (B,T).  assign: (B,T) flags or nil.  dwte: (V,C), nil if frozen.
  /// - dwpe: (maxT,C), nil if frozen.
  ///
  /// Loops run t outer, b inner, so the `dwpe[t]` piece stays in L1 across the batch.
  static func backward(
    dwte: UnsafeMutablePointer<Float>?, dwpe: UnsafeMutablePointer<Float>?,
    dout: UnsafePointer<Float>, ids: UnsafePointer<Int32>, assign: UnsafePointer<UInt8>?,
    paddingID: Int32, batch B: Int, context T: Int, channels C: Int
  ) {
    guard dwte != nil || dwpe != nil else { return }
    parallelChunks(C, pieces: Parallelism.pieces(work: B * T * C), granule: 16) { _, cols in
      // One pass over dout: each 16-float block of dout[b,t] is scattered into its dwte row
      // and summed over b in registers, so dwpe[t] is written once per t, not B times.
      let rows = UnsafeMutablePointer<UnsafeMutablePointer<Float>?>.allocate(capacity: B)
      let assigns = UnsafeMutablePointer<Bool>.allocate(capacity: B)
      defer {
        rows.deallocate()
        assigns.deallocate()
      }
      for t in 0..<T {
        for b in 0..<B {
          let bt = b * T + t
          let id = ids[bt]
          rows[b] = (dwte == nil || id == paddingID) ? nil : dwte! + Int(id) * C
          assigns[b] = assign.map { $0[bt] != 0 } ?? false
        }
        var c = cols.lowerBound
        while c + 16 <= cols.upperBound {
          var s0 = SIMD8<Float>()
          var s1 = SIMD8<Float>()
          for b in 0..<B {
            let d = UnsafeRawPointer(dout + (b * T + t) * C + c)
            let x0 = d.loadUnaligned(as: SIMD8<Float>.self)
            let x1 = d.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            s0 += x0
            s1 += x1
            if let row = rows[b] {
              let r = UnsafeMutableRawPointer(row + c)
              if assigns[b] {
                r.storeBytes(of: x0, as: SIMD8<Float>.self)
                r.storeBytes(of: x1, toByteOffset: 32, as: SIMD8<Float>.self)
              } else {
                let y0 = r.loadUnaligned(as: SIMD8<Float>.self)
                let y1 = r.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
                r.storeBytes(of: y0 + x0, as: SIMD8<Float>.self)
                r.storeBytes(of: y1 + x1, toByteOffset: 32, as: SIMD8<Float>.self)
              }
            }
          }
          if let dwpe {
            let p = UnsafeMutableRawPointer(dwpe + t * C + c)
            p.storeBytes(of: p.loadUnaligned(as: SIMD8<Float>.self) + s0, as: SIMD8<Float>.self)
            p.storeBytes(
              of: p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + s1,
              toByteOffset: 32, as: SIMD8<Float>.self)
          }
          c += 16
        }
        while c < cols.upperBound {  // columns past the last full 16-float block
          var sum: Float = 0
          for b in 0..<B {
            let x = dout[(b * T + t) * C + c]
            sum += x
            if let row = rows[b] {
              if assigns[b] { row[c] = x } else { row[c] += x }
            }
          }
          if let dwpe { dwpe[t * C + c] += sum }
          c += 1
        }
      }
    }
  }
}
