import CZlib
import EmbeddingCore

/// Encodes an RGB `Raster` as a PNG file (8-bit truecolour, no interlace): signature, IHDR,
/// one zlib-compressed IDAT (filter type 0 per row), IEND; chunk CRCs from zlib's `crc32`.
enum PNGEncoder {
  static func encode(_ image: Raster) throws(EmbeddingError) -> [UInt8] {
    var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    var header: [UInt8] = []
    header += bigEndian(UInt32(image.width))
    header += bigEndian(UInt32(image.height))
    header += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
    chunk("IHDR", header, into: &out)
    let rowBytes = image.width * 3
    var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * image.height)
    for y in 0..<image.height {
      raw[y * (rowBytes + 1)] = 0
      for i in 0..<rowBytes { raw[y * (rowBytes + 1) + 1 + i] = image.pixels[y * rowBytes + i] }
    }
    var bound = compressBound(uLong(raw.count))
    var compressed = [UInt8](repeating: 0, count: Int(bound))
    let status = compressed.withUnsafeMutableBufferPointer { dst in
      raw.withUnsafeBufferPointer { src in
        compress2(dst.baseAddress, &bound, src.baseAddress, uLong(raw.count), 6)
      }
    }
    guard status == Z_OK else {
      throw .invalidArgument("zlib could not compress the PNG image (status \(status))")
    }
    chunk("IDAT", Array(compressed.prefix(Int(bound))), into: &out)
    chunk("IEND", [], into: &out)
    return out
  }

  private static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
    out += bigEndian(UInt32(data.count))
    let body = Array(type.utf8) + data
    out += body
    let crc = body.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
    out += bigEndian(UInt32(crc))
  }

  private static func bigEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
  }
}
