import EmbeddingCore

/// A copy of a matrix whose rows are zero-padded to a multiple of 8 floats, so kernels can run
/// whole `SIMD8<Float>` chunks with no scalar tail.
///
/// Layout: `rows` rows of `stride` floats, 64-byte aligned; columns beyond the source are 0.
final class PaddedRows: @unchecked Sendable {
  let rows: Int
  let stride: Int
  let base: UnsafeMutablePointer<Float>

  init(_ m: Matrix, normalize: Bool = false) {
    rows = m.rows
    stride = max(8, (m.columns + 7) / 8 * 8)
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(1, rows * stride) * 4, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: max(1, rows * stride))
    base.initialize(repeating: 0, count: max(1, rows * stride))
    for r in 0..<rows {
      let dst = base + r * stride
      dst.update(from: m.rowPointer(r), count: m.columns)
      if normalize { VectorKernels.normalize(dst, m.columns) }
    }
  }

  deinit { UnsafeMutableRawPointer(base).deallocate() }

  @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<Float> { base + r * stride }

  /// Dot products of four query rows with one reference row (`stride` is a multiple of 8).
  @inline(__always)
  func dot4(
    _ q0: UnsafePointer<Float>, _ q1: UnsafePointer<Float>, _ q2: UnsafePointer<Float>,
    _ q3: UnsafePointer<Float>, _ r: UnsafePointer<Float>
  ) -> SIMD4<Float> {
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var a3 = SIMD8<Float>()
    let rr = UnsafeRawPointer(r)
    let p0 = UnsafeRawPointer(q0)
    let p1 = UnsafeRawPointer(q1)
    let p2 = UnsafeRawPointer(q2)
    let p3 = UnsafeRawPointer(q3)
    var off = 0
    let end = stride * 4
    while off < end {
      let x = rr.load(fromByteOffset: off, as: SIMD8<Float>.self)
      a0 += p0.load(fromByteOffset: off, as: SIMD8<Float>.self) * x
      a1 += p1.load(fromByteOffset: off, as: SIMD8<Float>.self) * x
      a2 += p2.load(fromByteOffset: off, as: SIMD8<Float>.self) * x
      a3 += p3.load(fromByteOffset: off, as: SIMD8<Float>.self) * x
      off += 32
    }
    return SIMD4(a0.sum(), a1.sum(), a2.sum(), a3.sum())
  }

  /// Dot product of two rows (`VectorKernels.dot` over the padded stride; the padding is zero).
  @inline(__always)
  func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
    VectorKernels.dot(a, b, stride)
  }
}
