import Foundation

/// Draws a `ScatterPlot` as a standalone SVG document: title, coloured points, non-overlapping
/// word labels (`LabelPlacer`), a legend of categories, and a `<title>` tooltip on every
/// point so browsers show the word on hover.
///
/// ```swift
/// let svg = SVGRenderer(width: 960, height: 720).render(plot)
/// try svg.write(toFile: "plot.svg", atomically: true, encoding: .utf8)
/// ```
///
/// - Complexity: O(n) for spread-out maps (label placement uses a grid).
public struct SVGRenderer: Sendable {
  /// Canvas width in pixels (default 960).
  public var width: Double
  /// Canvas height in pixels (default 720).
  public var height: Double

  /// Creates a renderer for a canvas of the given size.
  public init(width: Double = 960, height: Double = 720) {
    self.width = width
    self.height = height
  }

  /// The SVG document.
  public func render(_ plot: ScatterPlot) -> String {
    let categories = plot.categories
    let categoryIndex = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    let legendWidth = categories.isEmpty ? 0.0 : 170.0
    let layout = PlotLayout(plot, width: width, height: height, legendWidth: legendWidth)
    let n = plot.points.count
    let radius = n > 2000 ? 1.8 : n > 300 ? 2.6 : 4
    let fontSize = n > 300 ? 10.0 : 13.0
    let centres = plot.points.map { layout.pixel($0) }
    var placer = LabelPlacer(
      bounds: PixelRect(
        x: layout.plotLeft, y: layout.plotTop, width: layout.plotRight - layout.plotLeft,
        height: layout.plotBottom - layout.plotTop))
    let sizes = plot.points.map {
      (width: TextMetrics.width($0.label, fontSize: fontSize), height: fontSize * 1.15)
    }
    let labels = placer.place(
      centres: centres, sizes: sizes, radius: radius, order: plot.labelPriority)

    var s = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" \
      viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="Helvetica, Arial, sans-serif">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="24" y="34" font-size="20" font-weight="bold" fill="#222">\(xml(plot.title))</text>

      """
    if !plot.subtitle.isEmpty {
      s += "<text x=\"24\" y=\"56\" font-size=\"13\" fill=\"#666\">\(xml(plot.subtitle))</text>\n"
    }
    s += """
      <rect x="\(fmt(layout.plotLeft))" y="\(fmt(layout.plotTop))" \
      width="\(fmt(layout.plotRight - layout.plotLeft))" \
      height="\(fmt(layout.plotBottom - layout.plotTop))" fill="none" stroke="#ddd"/>
      <g id="points" stroke="#fff" stroke-width="0.6">

      """
    for i in plot.drawingOrder {
      let p = plot.points[i]
      let colour = PlotPalette.colour(p.category.flatMap { categoryIndex[$0] })
      let r = p.category != nil && n > 300 ? radius + 1.5 : radius
      s += "<circle cx=\"\(fmt(centres[i].x))\" cy=\"\(fmt(centres[i].y))\" r=\"\(fmt(r))\" "
      s += "fill=\"\(colour)\"><title>\(xml(p.label))</title></circle>\n"
    }
    s += "</g>\n<g id=\"labels\" font-size=\"\(fmt(fontSize))\" fill=\"#333\">\n"
    for l in labels {
      s +=
        "<text x=\"\(fmt(l.x))\" y=\"\(fmt(l.baseline))\">\(xml(plot.points[l.index].label))</text>\n"
    }
    s += "</g>\n"
    if !categories.isEmpty {
      let x = width - legendWidth
      var y = layout.plotTop + 8
      s += "<g id=\"legend\" font-size=\"13\" fill=\"#333\">\n"
      for (i, c) in categories.enumerated() {
        s +=
          "<circle cx=\"\(fmt(x + 6))\" cy=\"\(fmt(y))\" r=\"5\" fill=\"\(PlotPalette.colour(i))\"/>"
        s += "<text x=\"\(fmt(x + 18))\" y=\"\(fmt(y + 4.5))\">\(xml(c))</text>\n"
        y += 22
      }
      if plot.points.contains(where: { $0.category == nil }) {
        s +=
          "<circle cx=\"\(fmt(x + 6))\" cy=\"\(fmt(y))\" r=\"5\" fill=\"\(PlotPalette.uncategorized)\"/>"
        s += "<text x=\"\(fmt(x + 18))\" y=\"\(fmt(y + 4.5))\">other</text>\n"
      }
      s += "</g>\n"
    }
    s += "</svg>\n"
    return s
  }
}

/// Escapes text for XML/HTML content and attribute values.
func xml(_ s: String) -> String {
  var out = ""
  out.reserveCapacity(s.utf8.count)
  for c in s.unicodeScalars {
    switch c {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default:
      // Control characters are not allowed in XML 1.0.
      if c.value < 0x20 && c != "\t" && c != "\n" {
        out += "\u{FFFD}"
      } else {
        out.unicodeScalars.append(c)
      }
    }
  }
  return out
}

/// Short decimal for coordinates (two decimals, no trailing zeros).
func fmt(_ x: Double) -> String {
  let r = (x * 100).rounded() / 100
  if r == r.rounded() { return String(Int(r)) }
  return String(format: "%.2f", r)
}

/// Approximate text widths of a sans-serif font, for label placement without a font engine.
enum TextMetrics {
  static func width(_ s: String, fontSize: Double) -> Double {
    var em = 0.0
    for c in s.unicodeScalars {
      switch c {
      case "i", "j", "l", "'", ".", ",", ":", ";", "!", "|", "I": em += 0.28
      case "f", "t", "r", " ", "(", ")", "[", "]", "-": em += 0.36
      case "m", "w", "M", "W": em += 0.86
      case "A"..."Z": em += 0.68
      default: em += c.value > 0x2E80 ? 1.0 : 0.56
      }
    }
    return em * fontSize + 2
  }
}
