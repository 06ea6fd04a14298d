/// An RGB image in memory with the few drawing operations a scatter plot needs: anti-aliased
/// discs, rectangles, and text in `BitmapFont`.
///
/// Layout: `pixels` is row-major, 3 bytes (R, G, B) per pixel, top row first.
struct Raster {
  let width: Int
  let height: Int
  var pixels: [UInt8]

  init(width: Int, height: Int, background: RGB = RGB(255, 255, 255)) {
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in 0..<(width * height) {
      pixels[3 * i] = background.r
      pixels[3 * i + 1] = background.g
      pixels[3 * i + 2] = background.b
    }
  }

  /// Blends `colour` over pixel (x, y) with opacity `alpha` in [0, 1].
  mutating func blend(_ x: Int, _ y: Int, _ colour: RGB, alpha: Double) {
    guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
    let a = min(1, alpha)
    let i = 3 * (y * width + x)
    pixels[i] = UInt8((Double(pixels[i]) * (1 - a) + Double(colour.r) * a).rounded())
    pixels[i + 1] = UInt8((Double(pixels[i + 1]) * (1 - a) + Double(colour.g) * a).rounded())
    pixels[i + 2] = UInt8((Double(pixels[i + 2]) * (1 - a) + Double(colour.b) * a).rounded())
  }

  /// A filled disc, edges anti-aliased by pixel-centre distance.
  mutating func fillDisc(cx: Double, cy: Double, radius: Double, _ colour: RGB) {
    let x0 = Int((cx - radius - 1).rounded(.down))
    let x1 = Int((cx + radius + 1).rounded(.up))
    let y0 = Int((cy - radius - 1).rounded(.down))
    let y1 = Int((cy + radius + 1).rounded(.up))
    for y in y0...y1 {
      for x in x0...x1 {
        let dx = Double(x) + 0.5 - cx
        let dy = Double(y) + 0.5 - cy
        let coverage = radius + 0.5 - (dx * dx + dy * dy).squareRoot()
        if coverage > 0 { blend(x, y, colour, alpha: coverage) }
      }
    }
  }

  /// A one-pixel rectangle outline.
  mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB) {
    for i in x..<(x + w) {
      blend(i, y, colour, alpha: 1)
      blend(i, y + h - 1, colour, alpha: 1)
    }
    for j in y..<(y + h) {
      blend(x, j, colour, alpha: 1)
      blend(x + w - 1, j, colour, alpha: 1)
    }
  }

  /// Text with its top-left corner at (x, y), each font pixel drawn as `scale` × `scale`.
  mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, _ colour: RGB) {
    var penX = x
    for c in text {
      for row in 0..<BitmapFont.glyphHeight {
        for column in 0..<BitmapFont.glyphWidth where BitmapFont.ink(c, column: column, row: row) {
          for sy in 0..<scale {
            for sx in 0..<scale {
              blend(penX + column * scale + sx, y + row * scale + sy, colour, alpha: 1)
            }
          }
        }
      }
      penX += BitmapFont.advance * scale
    }
  }

  /// Width in pixels of `text` drawn at `scale`.
  static func textWidth(_ text: String, scale: Int = 1) -> Int {
    max(0, text.count * BitmapFont.advance - 1) * scale
  }
}

/// An 8-bit RGB colour.
struct RGB: Equatable {
  var r: UInt8
  var g: UInt8
  var b: UInt8

  init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
    self.r = r
    self.g = g
    self.b = b
  }

  /// Parses "#rrggbb" (grey if malformed).
  init(hex: String) {
    let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
    let value = UInt32(digits, radix: 16) ?? 0x80_8080
    self.init(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
  }
}
