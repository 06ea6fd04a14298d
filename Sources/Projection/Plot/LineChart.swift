import Foundation

/// A line chart of one or more series over a shared x axis (optionally logarithmic), drawn as
/// a standalone SVG document: axes with ticks, one coloured polyline with point markers per
/// series, and a legend.
///
/// ```swift
/// var chart = LineChart(title: "Quality by dimension", xLabel: "dimension", yLabel: "score")
/// chart.logX = true
/// chart.series.append(.init(name: "analogy", points: [(8, 0.01), (100, 0.31), (300, 0.40)]))
/// try chart.svg().write(toFile: "dims.svg", atomically: true, encoding: .utf8)
/// ```
///
/// - Complexity: O(points).
public struct LineChart: Sendable {
  /// One named line.
  public struct Series: Sendable {
    /// Legend text.
    public var name: String
    /// (x, y) points, drawn in the given order.
    public var points: [(x: Double, y: Double)]
    /// Creates a series.
    public init(name: String, points: [(x: Double, y: Double)]) {
      self.name = name
      self.points = points
    }
  }

  /// Title at the top.
  public var title: String
  /// Small text under the title (settings, load).
  public var subtitle = ""
  /// Label of the x axis.
  public var xLabel: String
  /// Label of the y axis.
  public var yLabel: String
  /// Logarithmic x axis (ticks at the x values of the first series) (default false).
  public var logX = false
  /// The lines.
  public var series: [Series] = []
  /// Canvas size in pixels (default 820 × 480).
  public var width = 820.0
  /// Canvas height in pixels.
  public var height = 480.0

  /// Creates an empty chart.
  public init(title: String, xLabel: String, yLabel: String) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
  }

  /// The SVG document.
  public func svg() -> String {
    let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    let tx: (Double) -> Double = { logX ? log10(max($0, 1e-300)) : $0 }
    let xs = all.map { tx($0.x) }
    let ys = all.map(\.y)
    var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
    var (y0, y1) = (min(0, ys.min() ?? 0), ys.max() ?? 1)
    if x1 <= x0 { x1 = x0 + 1 }
    if y1 <= y0 { y1 = y0 + 1 }
    y1 += (y1 - y0) * 0.05
    x0 -= (x1 - x0) * 0.03
    x1 += (x1 - x0) * 0.03
    let (left, right, top, bottom) = (78.0, width - 190, 70.0, height - 58)
    func px(_ x: Double) -> Double { left + (tx(x) - x0) / (x1 - x0) * (right - left) }
    func py(_ y: Double) -> Double { bottom - (y - y0) / (y1 - y0) * (bottom - top) }
    var s = """
      <?xml version="1.0" encoding="UTF-8"?>
      <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" \
      viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="Helvetica, Arial, sans-serif">
      <rect width="100%" height="100%" fill="#ffffff"/>
      <text x="24" y="32" font-size="19" font-weight="bold" fill="#222">\(xml(title))</text>
      <text x="24" y="52" font-size="12" fill="#666">\(xml(subtitle))</text>
      <rect x="\(fmt(left))" y="\(fmt(top))" width="\(fmt(right - left))" \
      height="\(fmt(bottom - top))" fill="none" stroke="#ccc"/>

      """
    // y ticks: 5 intervals.
    for k in 0...5 {
      let y = y0 + (y1 - y0) * Double(k) / 5
      s += "<line x1=\"\(fmt(left))\" x2=\"\(fmt(right))\" y1=\"\(fmt(py(y)))\" "
      s += "y2=\"\(fmt(py(y)))\" stroke=\"#eee\"/>\n"
      s += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(py(y) + 4))\" font-size=\"11\" "
      s += "text-anchor=\"end\" fill=\"#555\">\(tick(y))</text>\n"
    }
    // x ticks at the first series' x values (or 5 even ticks).
    var xTicks: [Double] = (0...5).map { Double($0) }
    if let first = series.first {
      xTicks = first.points.map { $0.x }
    } else {
      for k in 0...5 { xTicks[k] = x0 + (x1 - x0) * Double(k) / 5 }
    }
    for x in xTicks {
      s += "<text x=\"\(fmt(px(x)))\" y=\"\(fmt(bottom + 16))\" font-size=\"11\" "
      s += "text-anchor=\"middle\" fill=\"#555\">\(tick(x))</text>\n"
    }
    s += "<text x=\"\(fmt((left + right) / 2))\" y=\"\(fmt(height - 18))\" font-size=\"13\" "
    s +=
      "text-anchor=\"middle\" fill=\"#333\">\(xml(xLabel + (logX ? " (log scale)" : "")))</text>\n"
    s += "<text transform=\"translate(20 \(fmt((top + bottom) / 2))) rotate(-90)\" "
    s += "font-size=\"13\" text-anchor=\"middle\" fill=\"#333\">\(xml(yLabel))</text>\n"
    for (i, line) in series.enumerated() {
      let colour = PlotPalette.colour(i)
      let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
      let path = points.map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ")
      s += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
      for p in points {
        s += "<circle cx=\"\(fmt(px(p.x)))\" cy=\"\(fmt(py(p.y)))\" r=\"3.5\" fill=\"\(colour)\">"
        s += "<title>\(xml(line.name)): \(tick(p.x)), \(tick(p.y))</title></circle>\n"
      }
      let ly = top + 14 + Double(i) * 20
      s += "<rect x=\"\(fmt(right + 16))\" y=\"\(fmt(ly - 9))\" width=\"12\" height=\"12\" "
      s += "fill=\"\(colour)\"/>\n<text x=\"\(fmt(right + 34))\" y=\"\(fmt(ly + 2))\" "
      s += "font-size=\"12\" fill=\"#333\">\(xml(line.name))</text>\n"
    }
    return s + "</svg>\n"
  }

  private func tick(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
    return abs(v) >= 100 ? String(format: "%.0f", v) : String(format: "%.3g", v)
  }
}
