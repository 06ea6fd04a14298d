import EmbeddingCore
import Foundation

/// Encodes unit vectors into the index's blobs at its `VectorPrecision`, and decodes them back to
/// floats for search.
///
/// ```
/// float32: d × Float32 LE            float16: d × Float16 LE
/// int8:    d × Int8, x ≈ code·scale[j] + offset[j] (calibration in meta.int8_calibration)
/// binary:  ⌈d/64⌉ × UInt64 LE, bit j = x[j] > 0, then d × Float16 LE (for re-scoring)
/// ```
struct VectorCodec: Sendable, Equatable {
  let precision: VectorPrecision
  /// int8 only: per-dimension offsets and scales.
  let offsets: [Float]
  let scales: [Float]

  /// The float32 codec (what indexes held before precisions existed).
  static let float32 = VectorCodec(precision: .float32, offsets: [], scales: [])

  init(precision: VectorPrecision, offsets: [Float] = [], scales: [Float] = []) {
    self.precision = precision
    self.offsets = offsets
    self.scales = scales
  }

  /// An int8 codec calibrated on the rows of `x` ([rows × d]): per dimension, the range
  /// [min, max] widened by 10% on each side maps onto the 256 codes (later values are clamped).
  static func calibratedInt8(_ x: Matrix) -> VectorCodec {
    let d = x.columns
    var lo = [Float](repeating: .infinity, count: d)
    var hi = [Float](repeating: -.infinity, count: d)
    for r in 0..<x.rows {
      let p = x.rowPointer(r)
      for j in 0..<d {
        lo[j] = min(lo[j], p[j])
        hi[j] = max(hi[j], p[j])
      }
    }
    var offsets = [Float](repeating: 0, count: d)
    var scales = [Float](repeating: 1, count: d)
    for j in 0..<d where lo[j] <= hi[j] {
      let margin = max(0.1 * (hi[j] - lo[j]), 1e-4)
      let a = lo[j] - margin
      let b = hi[j] + margin
      scales[j] = (b - a) / 255
      offsets[j] = a + 128 * scales[j]
    }
    return VectorCodec(precision: .int8, offsets: offsets, scales: scales)
  }

  /// The calibration as bytes (offsets then scales, Float32 LE), for the meta table.
  var calibrationData: Data {
    var data = Data()
    for v in offsets + scales {
      withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
    }
    return data
  }

  /// Restores an int8 codec from `calibrationData` for dimension `d`; nil if the bytes do not fit.
  static func int8(calibration data: Data, dimension d: Int) -> VectorCodec? {
    guard data.count == 8 * d else { return nil }
    var values = [Float](repeating: 0, count: 2 * d)
    data.withUnsafeBytes { raw in
      for i in 0..<(2 * d) {
        values[i] = Float(
          bitPattern: UInt32(
            littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
      }
    }
    let scales = Array(values[d...])
    guard scales.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
    return VectorCodec(precision: .int8, offsets: Array(values[..<d]), scales: scales)
  }

  /// The blob of `count` floats at `p`.
  func encode(_ p: UnsafePointer<Float>, count: Int) -> Data {
    var data = Data(count: precision.bytes(dimension: count))
    data.withUnsafeMutableBytes { raw in
      switch precision {
      case .float32:
        for i in 0..<count {
          raw.storeBytes(of: p[i].bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
        }
      case .float16:
        for i in 0..<count {
          raw.storeBytes(
            of: Float16(p[i]).bitPattern.littleEndian, toByteOffset: i * 2, as: UInt16.self)
        }
      case .int8:
        for i in 0..<count {
          let c = ((p[i] - offsets[i]) / scales[i]).rounded()
          raw[i] = UInt8(bitPattern: Int8(max(-128, min(127, c))))
        }
      case .binary:
        let words = (count + 63) / 64
        for w in 0..<words {
          var word: UInt64 = 0
          for b in 0..<min(64, count - w * 64) where p[w * 64 + b] > 0 { word |= 1 << UInt64(b) }
          raw.storeBytes(of: word.littleEndian, toByteOffset: w * 8, as: UInt64.self)
        }
        for i in 0..<count {
          raw.storeBytes(
            of: Float16(p[i]).bitPattern.littleEndian, toByteOffset: words * 8 + i * 2,
            as: UInt16.self)
        }
      }
    }
    return data
  }

  /// Decodes a blob into `out` (`count` floats); false if its length is wrong.
  func decode(_ data: Data, into out: UnsafeMutablePointer<Float>, count: Int) -> Bool {
    guard data.count == precision.bytes(dimension: count) else { return false }
    data.withUnsafeBytes { raw in
      switch precision {
      case .float32:
        for i in 0..<count {
          out[i] = Float(
            bitPattern: UInt32(
              littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
        }
      case .float16:
        for i in 0..<count {
          out[i] = Float(
            Float16(
              bitPattern: UInt16(
                littleEndian: raw.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))))
        }
      case .int8:
        for i in 0..<count {
          out[i] = Float(Int8(bitPattern: raw[i])) * scales[i] + offsets[i]
        }
      case .binary:
        let start = (count + 63) / 64 * 8
        for i in 0..<count {
          out[i] = Float(
            Float16(
              bitPattern: UInt16(
                littleEndian: raw.loadUnaligned(fromByteOffset: start + i * 2, as: UInt16.self))))
        }
      }
    }
    return true
  }

  /// Binary only: copies a blob's sign bits into `words` (⌈count/64⌉ words); false if the length is
  /// wrong.
  func bits(_ data: Data, count: Int, into words: UnsafeMutablePointer<UInt64>) -> Bool {
    guard precision == .binary, data.count == precision.bytes(dimension: count) else {
      return false
    }
    data.withUnsafeBytes { raw in
      for w in 0..<(count + 63) / 64 {
        words[w] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self))
      }
    }
    return true
  }

  /// The bit code of `count` floats at `p` into `words` (⌈count/64⌉ words): bit j = p[j] > 0.
  static func signBits(
    _ p: UnsafePointer<Float>, count: Int, into words: UnsafeMutablePointer<UInt64>
  ) {
    for w in 0..<(count + 63) / 64 {
      var word: UInt64 = 0
      for b in 0..<min(64, count - w * 64) where p[w * 64 + b] > 0 { word |= 1 << UInt64(b) }
      words[w] = word
    }
  }
}
