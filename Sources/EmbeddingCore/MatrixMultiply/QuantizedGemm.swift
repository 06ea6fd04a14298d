import CEmbeddingKernels

/// Dynamic activation quantisation and the blocking around the int8 micro-kernels.
enum QuantizedGemm {
  /// Rows per work item (a multiple of every int8 kernel's tile height).
  static let rowBlock = 48
  /// 32-column panels per work item.
  static let panelsPerItem = 4

  /// Rows per micro-kernel call for a backend.
  static func tileRows(_ backend: KernelBackend) -> Int {
    switch backend {
    case .swift: 4
    case .avx2: Int(EK_QGEMM_AVX2_MR)
    case .avx512: Int(EK_QGEMM_AVX512_MR)
    }
  }

  /// Quantises one row x[k] to u8 with a zero point: x ≈ scale · (u − zero), u in [0, 255].
  ///
  /// Writes `u ^ flip` as bytes to out[0..<paddedK] (padding holds the zero point; the weights there are
  /// 0): flip 0x80 gives the (u − 128) int8 form, 0 the u8 form. Returns (scale, zero).
  static func quantizeRow(
    _ x: UnsafePointer<Float>, k: Int, paddedK: Int, into out: UnsafeMutablePointer<Int8>,
    flip: UInt8, useAVX2: Bool = false
  ) -> (scale: Float, zero: Int32) {
    var lo = SIMD8<Float>()
    var hi = SIMD8<Float>()
    var i = 0
    while i + 8 <= k {
      let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
      lo.replace(with: v, where: v .< lo)
      hi.replace(with: v, where: v .> hi)
      i += 8
    }
    var low = lo.min()
    var high = hi.max()
    while i < k {
      low = min(low, x[i])
      high = max(high, x[i])
      i += 1
    }
    var scale = (high - low) / 255
    if !(scale > 0) || !scale.isFinite { scale = 1 }
    let inverse = 1 / scale
    // Round to nearest even by the 1.5·2²³ trick (no libm call at the SSE2 target); |v| < 2²² here.
    let magic: Float = 12_582_912
    var z = (-low * inverse + magic) - magic
    if !(z >= 0) { z = 0 }
    if z > 255 { z = 255 }
    let zero = Int32(z)
    if useAVX2 {
      ek_quantize_avx2(x, Int64(k), inverse, z, out, flip)
      for i in k..<paddedK { out[i] = Int8(bitPattern: UInt8(zero) ^ flip) }
      return (scale, zero)
    }
    for i in 0..<k {
      var v = (x[i] * inverse + z + magic) - magic
      if !(v >= 0) { v = 0 }
      if v > 255 { v = 255 }
      out[i] = Int8(bitPattern: UInt8(v) ^ flip)
    }
    for i in k..<paddedK { out[i] = Int8(bitPattern: UInt8(zero) ^ flip) }
    return (scale, zero)
  }

  /// y[m × out] = act(dequantised(x[m × in] quantised per row · Wq) + b).
  static func run(
    _ x: UnsafePointer<Float>, rows m: Int, _ layer: QuantizedLinear,
    into y: UnsafeMutablePointer<Float>, gelu: Bool, threads: Int, backend: KernelBackend
  ) {
    guard m > 0, layer.outFeatures > 0 else { return }
    let k = layer.inFeatures
    let kp = layer.paddedIn
    let n = layer.outFeatures
    let np = (n + 31) / 32
    let flip: UInt8 = backend == .avx512 ? 0 : 0x80
    let bytes = UnsafeMutablePointer<Int8>.allocate(capacity: m * kp)
    let scales = UnsafeMutablePointer<Float>.allocate(capacity: m)
    let zeros = UnsafeMutablePointer<Int32>.allocate(capacity: m)
    defer {
      bytes.deallocate()
      scales.deallocate()
      zeros.deallocate()
    }
    let xs = UnsafeSendable(x)
    let qa = UnsafeSendable((bytes, scales, zeros))
    let rowBlocks = (m + rowBlock - 1) / rowBlock
    parallelFor(rowBlocks, threads: threads) { b in
      for r in (b * rowBlock)..<min(m, (b + 1) * rowBlock) {
        let (s, z) = quantizeRow(
          xs.value + r * k, k: k, paddedK: kp, into: qa.value.0 + r * kp, flip: flip,
          useAVX2: backend != .swift)
        qa.value.1[r] = s
        qa.value.2[r] = z
      }
    }
    let groups = (np + panelsPerItem - 1) / panelsPerItem
    let mr = tileRows(backend)
    let ys = UnsafeSendable(y)
    layer.panels.withUnsafeBufferPointer { panels in
      layer.scales.withUnsafeBufferPointer { colScale in
        layer.columnSums.withUnsafeBufferPointer { colSum in
          layer.bias.withUnsafeBufferPointer { bias in
            let w = UnsafeSendable(
              (panels.baseAddress!, colScale.baseAddress!, colSum.baseAddress!, bias.baseAddress!))
            parallelFor(rowBlocks * groups, threads: threads) { item in
              let i0 = (item / groups) * rowBlock
              let rows = min(rowBlock, m - i0)
              let firstPanel = (item % groups) * panelsPerItem
              for jp in firstPanel..<min(np, firstPanel + panelsPerItem) {
                var r = 0
                while r < rows {
                  let h = min(mr, rows - r)
                  let row = i0 + r
                  tile(
                    backend, mr: h, nr: min(32, n - jp * 32), kq: kp / 4,
                    a: qa.value.0 + row * kp, lda: kp, p: w.value.0 + jp * kp * 32,
                    c: ys.value + row * n + jp * 32, ldc: n, rowScale: qa.value.1 + row,
                    zero: qa.value.2 + row, colScale: w.value.1 + jp * 32,
                    colSum: w.value.2 + jp * 32, bias: w.value.3 + jp * 32, gelu: gelu)
                  r += h
                }
              }
            }
          }
        }
      }
    }
  }

  /// One int8 micro-kernel call on the chosen backend.
  @inline(__always)
  static func tile(
    _ backend: KernelBackend, mr: Int, nr: Int, kq: Int, a: UnsafePointer<Int8>, lda: Int,
    p: UnsafePointer<Int8>, c: UnsafeMutablePointer<Float>, ldc: Int,
    rowScale: UnsafePointer<Float>, zero: UnsafePointer<Int32>, colScale: UnsafePointer<Float>,
    colSum: UnsafePointer<Int32>, bias: UnsafePointer<Float>, gelu: Bool
  ) {
    switch backend {
    case .swift:
      SwiftKernels.qgemm(
        mr: mr, nr: nr, kq: kq, a: a, lda: lda, p: p, c: c, ldc: ldc, rowScale: rowScale,
        zero: zero, colScale: colScale, colSum: colSum, bias: bias, gelu: gelu)
    case .avx2:
      ek_qgemm_avx2(
        Int64(mr), Int64(nr), Int64(kq), a, Int64(lda), p, c, Int64(ldc), rowScale, zero,
        colScale, colSum, bias, gelu ? 1 : 0)
    case .avx512:
      ek_qgemm_avx512(
        Int64(mr), Int64(nr), Int64(kq), a, Int64(lda), p, c, Int64(ldc), rowScale, zero,
        colScale, colSum, bias, gelu ? 1 : 0)
    }
  }
}
