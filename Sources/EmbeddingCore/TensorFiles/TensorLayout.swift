import Foundation

/// The element types tensor files hold that we read as `Float`.
///
/// ```swift
/// let type = TensorDType(numpyDescr: "<f2")   // .float16
/// ```
public enum TensorDType: String, Sendable, CaseIterable {
  case float16, bfloat16, float32, float64

  /// Bytes per element.
  public var byteWidth: Int {
    switch self {
    case .float16, .bfloat16: 2
    case .float32: 4
    case .float64: 8
    }
  }

  /// The type of a little-endian NumPy `descr` (`'<f4'`, `=f8`, `f2`…), or nil.
  public init?(numpyDescr: String) {
    let text = numpyDescr.trimmingCharacters(in: .init(charactersIn: "'\" "))
    switch text {
    case "<f2", "=f2", "f2": self = .float16
    case "<f4", "=f4", "f4": self = .float32
    case "<f8", "=f8", "f8": self = .float64
    default: return nil
    }
  }

  /// The type of a safetensors `dtype` (`F16`, `BF16`, `F32`, `F64`), or nil.
  public init?(safetensorsName: String) {
    switch safetensorsName {
    case "F16": self = .float16
    case "BF16": self = .bfloat16
    case "F32": self = .float32
    case "F64": self = .float64
    default: return nil
    }
  }
}

/// Where one tensor's elements lie in a file's bytes: type, shape, order and byte range.
///
/// Produced by `NumpyArrayFile.layout(of:path:)` and `SafetensorsHeader`, which check that
/// the range lies inside the file, so copying with the same bytes never reads out of bounds.
///
/// ```swift
/// let layout = try NumpyArrayFile.layout(of: bytes, path: "wte.npy")
/// let wte = layout.matrix(from: bytes)
/// ```
public struct TensorLayout: Sendable, Equatable {
  /// Element type.
  public let dtype: TensorDType
  /// Dimensions, outermost first (empty for a scalar).
  public let shape: [Int]
  /// True when stored column-major (NumPy `fortran_order`).
  public let fortranOrder: Bool
  /// Byte offset of the first element from the start of the file.
  public let offset: Int
  /// Bytes of element data (`elementCount × dtype.byteWidth`).
  public let byteCount: Int

  /// Number of elements (product of `shape`).
  public var elementCount: Int { byteCount / dtype.byteWidth }

  /// (rows, columns) when the tensor is 1-D (one row) or 2-D, else nil.
  public var matrixShape: (rows: Int, columns: Int)? {
    switch shape.count {
    case 1: (1, shape[0])
    case 2: (shape[0], shape[1])
    default: nil
    }
  }

  /// Creates a layout. `byteCount` must be the product of `shape` times the element width.
  public init(dtype: TensorDType, shape: [Int], fortranOrder: Bool, offset: Int, byteCount: Int) {
    self.dtype = dtype
    self.shape = shape
    self.fortranOrder = fortranOrder
    self.offset = offset
    self.byteCount = byteCount
  }

  /// `shape`'s element count times `width` in bytes, or nil when negative or overflowing.
  static func byteCount(of shape: [Int], width: Int) -> Int? {
    var total = width
    for d in shape {
      guard d >= 0 else { return nil }
      let (product, overflow) = total.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      total = product
    }
    return total
  }

  /// Converts row `r` of a 1-D/2-D tensor to `Float` into `target` (`columns` values).
  ///
  /// - Precondition: `bytes` are the file this layout was read from.
  /// - Complexity: O(columns); a plain copy for C-ordered float32.
  public func copyRow(
    _ r: Int, from bytes: UnsafeRawBufferPointer, into target: UnsafeMutablePointer<Float>
  ) {
    guard let (rows, columns) = matrixShape, columns > 0, let base = bytes.baseAddress else {
      return
    }
    precondition(r >= 0 && r < rows && offset + byteCount <= bytes.count, "row out of range")
    let width = dtype.byteWidth
    let data = base + offset
    if !fortranOrder || rows == 1 {
      Self.convert(data + r * columns * width, dtype: dtype, count: columns, into: target)
    } else {
      for c in 0..<columns {
        Self.convert(data + (c * rows + r) * width, dtype: dtype, count: 1, into: target + c)
      }
    }
  }

  /// The first `limit` rows (all by default) of a 1-D/2-D tensor as a row-major `Matrix`.
  ///
  /// - Precondition: `matrixShape != nil` and `bytes` are the file this layout was read from.
  public func matrix(from bytes: UnsafeRawBufferPointer, rows limit: Int? = nil) -> Matrix {
    guard let (rows, columns) = matrixShape else { preconditionFailure("not 1-D or 2-D") }
    let kept = min(rows, max(0, limit ?? rows))
    let matrix = Matrix(rows: kept, columns: columns)
    for r in 0..<kept { copyRow(r, from: bytes, into: matrix.rowPointer(r)) }
    return matrix
  }

  /// Converts `count` little-endian elements at `source` to `Float`.
  static func convert(
    _ source: UnsafeRawPointer, dtype: TensorDType, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    switch dtype {
    case .float32:
      #if _endian(little)
        UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: count * 4)
      #else
        for i in 0..<count {
          out[i] = Float(
            bitPattern: UInt32(
              littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
        }
      #endif
    case .float64:
      for i in 0..<count {
        out[i] = Float(
          Double(
            bitPattern: UInt64(
              littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))))
      }
    case .float16, .bfloat16:
      for i in 0..<count {
        let bits = UInt16(
          littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
        out[i] = dtype == .bfloat16 ? Float(bitPattern: UInt32(bits) << 16) : halfToFloat(bits)
      }
    }
  }

  /// IEEE 754 binary16 → Float (handles subnormals, infinities and NaN).
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = (h & 0x8000) != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F)
    let fraction = Float(h & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default:
      return sign * (1 + fraction / 1024)
        * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
  }
}
