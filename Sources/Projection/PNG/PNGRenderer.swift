import EmbeddingCore
import Foundation

/// Draws a `ScatterPlot` as a PNG with no dependency beyond zlib: EmbeddingKit's own rasteriser
/// (anti-aliased discs) and 5 × 7 bitmap font, the same layout and label placement as the SVG.
///
/// ```swift
/// let bytes = try PNGRenderer(width: 960, height: 720).render(plot)
/// try Data(bytes).write(to: URL(fileURLWithPath: "plot.png"))
/// ```
///
/// Limits: the font covers ASCII letters, digits and common punctuation (other characters are
/// drawn as boxes); for print quality or other scripts use the SVG.
public struct PNGRenderer: Sendable {
  /// Image width in pixels (default 960).
  public var width: Int
  /// Image height in pixels (default 720).
  public var height: Int

  /// Creates a renderer.
  public init(width: Int = 960, height: Int = 720) {
    self.width = width
    self.height = height
  }

  /// The PNG file's bytes.
  public func render(_ plot: ScatterPlot) throws(EmbeddingError) -> Data {
    let categories = plot.categories
    let categoryIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    let legendWidth = categories.isEmpty ? 0.0 : 170.0
    let layout = PlotLayout(
      plot, width: Double(width), height: Double(height), legendWidth: legendWidth)
    var image = Raster(width: width, height: height)
    let ink = RGB(34, 34, 34)
    image.drawText(plot.title, x: 24, y: 16, scale: 2, ink)
    if !plot.subtitle.isEmpty { image.drawText(plot.subtitle, x: 24, y: 44, RGB(102, 102, 102)) }
    image.strokeRect(
      x: Int(layout.plotLeft), y: Int(layout.plotTop),
      width: Int(layout.plotRight - layout.plotLeft),
      height: Int(layout.plotBottom - layout.plotTop), RGB(221, 221, 221))
    let n = plot.points.count
    let radius = n > 2000 ? 1.8 : n > 300 ? 2.6 : 4
    let centres = plot.points.map { layout.pixel($0) }
    for i in plot.drawingOrder {
      let p = plot.points[i]
      let colour = RGB(hex: PlotPalette.colour(p.category.flatMap { categoryIndex[$0] }))
      let r = p.category != nil && n > 300 ? radius + 1.5 : radius
      image.fillDisc(cx: centres[i].x, cy: centres[i].y, radius: r, colour)
    }
    var placer = LabelPlacer(
      bounds: PixelRect(
        x: layout.plotLeft, y: layout.plotTop, width: layout.plotRight - layout.plotLeft,
        height: layout.plotBottom - layout.plotTop))
    let sizes = plot.points.map {
      (width: Double(Raster.textWidth($0.label)) + 1, height: Double(BitmapFont.glyphHeight))
    }
    for l in placer.place(
      centres: centres, sizes: sizes, radius: radius, order: plot.labelPriority)
    {
      image.drawText(
        plot.points[l.index].label, x: Int(l.box.x.rounded()), y: Int(l.box.y.rounded()),
        RGB(51, 51, 51))
    }
    if !categories.isEmpty {
      let x = Double(width) - legendWidth
      var y = layout.plotTop + 8
      var entries = categories.enumerated().map { (PlotPalette.colour($0.offset), $0.element) }
      if plot.points.contains(where: { $0.category == nil }) {
        entries.append((PlotPalette.uncategorized, "other"))
      }
      for (colour, name) in entries {
        image.fillDisc(cx: x + 6, cy: y, radius: 5, RGB(hex: colour))
        image.drawText(name, x: Int(x) + 18, y: Int(y) - 3, ink)
        y += 20
      }
    }
    return Data(try PNGEncoder.encode(image))
  }
}
