import Foundation

/// Writes a `ScatterPlot` as one self-contained HTML page (inline data, CSS and JavaScript; no
/// network): drag to pan, wheel or buttons to zoom, hover for the word, search a word (or put it
/// after `#` in the URL), click a point to see its nearest neighbours in the original space
/// highlighted on the map and listed with their cosine similarity.
///
/// ```swift
/// plot.computeNeighbours(from: matrix, k: 10, threads: 2)
/// try HTMLRenderer().render(plot).write(toFile: "plot.html", atomically: true, encoding: .utf8)
/// ```
///
/// - Complexity: O(n · k) to write; the page draws with a 2-D canvas, fine for 10⁴–10⁵ points.
public struct HTMLRenderer: Sendable {
  /// Creates a renderer.
  public init() {}

  /// The page.
  public func render(_ plot: ScatterPlot) -> String {
    let categories = plot.categories
    let index = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
    var json = "{\"title\":\(jsonString(plot.title)),\"subtitle\":\(jsonString(plot.subtitle)),"
    json += "\"words\":[" + plot.points.map { jsonString($0.label) }.joined(separator: ",") + "],"
    json += "\"x\":[" + plot.points.map { number($0.x) }.joined(separator: ",") + "],"
    json += "\"y\":[" + plot.points.map { number($0.y) }.joined(separator: ",") + "],"
    json += "\"cat\":["
    json += plot.points.map { p in p.category.flatMap { index[$0] }.map(String.init) ?? "-1" }
      .joined(separator: ",")
    json += "],\"categories\":[" + categories.map(jsonString).joined(separator: ",") + "],"
    json += "\"colours\":[" + PlotPalette.colours.map(jsonString).joined(separator: ",") + "],"
    json += "\"other\":\(jsonString(PlotPalette.uncategorized)),\"nbrs\":["
    json += plot.neighbours.map { list in
      "["
        + list.map { "[\($0.index),\(String(format: "%.3f", $0.similarity))]" }
        .joined(separator: ",") + "]"
    }.joined(separator: ",")
    json += "]}"
    return HTMLTemplate.page(title: xml(plot.title), data: json)
  }

  private func number(_ x: Float) -> String {
    x.isFinite ? String(format: "%.4f", x) : "0"
  }
}

/// A JSON string literal that is also safe inside a `<script>` element.
func jsonString(_ s: String) -> String {
  var out = "\""
  for c in s.unicodeScalars {
    switch c {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case "<": out += "\\u003c"
    case ">": out += "\\u003e"
    case "&": out += "\\u0026"
    case "\u{2028}": out += "\\u2028"
    case "\u{2029}": out += "\\u2029"
    default:
      if c.value < 0x20 {
        out += String(format: "\\u%04x", c.value)
      } else {
        out.unicodeScalars.append(c)
      }
    }
  }
  return out + "\""
}
