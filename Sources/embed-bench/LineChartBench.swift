import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench line-chart`: draws rows of a benchmark's JSON as an SVG line chart with
/// Projection's `LineChart`, so results measured by a Python script are plotted by the
/// project's own plotting (e.g. the distilled static model's dimension trade-off).
struct LineChartBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "line-chart",
    abstract: "Draw a JSON file's rows as an SVG line chart (Projection's LineChart).",
    discussion: """
      The JSON is an object whose "rows" (or --rows-key) is an array of objects; --x names the
      numeric field on the x axis and --y one or more numeric fields, one line each. Rows
      without a field are left out of that line; --filter KEY=VALUE keeps only matching rows.
      """)

  @Argument(help: "The JSON file.")
  var json: String

  @Option(help: "The array of row objects in the JSON.")
  var rowsKey = "rows"

  @Option(help: "The x field.")
  var x: String

  @Option(help: "Comma-separated y fields (one line each).")
  var y: String

  @Option(help: "Comma-separated line names (default: the y fields).")
  var names: String?

  @Option(help: "Keep only rows whose field equals a value, as KEY=VALUE (string compare).")
  var filter: String?

  @Option(help: "Chart title.")
  var title = ""

  @Option(help: "Chart subtitle.")
  var subtitle = ""

  @Option(help: "x-axis label (default: the x field).")
  var xLabel: String?

  @Option(help: "y-axis label.")
  var yLabel = ""

  @Flag(help: "Logarithmic x axis.")
  var logX = false

  @Option(name: .shortAndLong, help: "The SVG file to write.")
  var output: String

  func run() throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: json))
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      var rows = object[rowsKey] as? [[String: Any]]
    else { throw ValidationError("\(json): no array of objects under \"\(rowsKey)\"") }
    if let filter {
      let parts = filter.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw ValidationError("--filter needs KEY=VALUE") }
      rows = rows.filter { $0[parts[0]].map { "\($0)" } == parts[1] }
    }
    let fields = y.split(separator: ",").map(String.init)
    let labels = names?.split(separator: ",").map(String.init) ?? fields
    guard labels.count == fields.count else {
      throw ValidationError("--names needs one name per --y field")
    }
    var chart = LineChart(title: title, xLabel: xLabel ?? x, yLabel: yLabel)
    chart.subtitle = subtitle
    chart.logX = logX
    for (field, name) in zip(fields, labels) {
      let points = rows.compactMap { row -> (x: Double, y: Double)? in
        guard let px = (row[x] as? NSNumber)?.doubleValue,
          let py = (row[field] as? NSNumber)?.doubleValue
        else { return nil }
        return (px, py)
      }.sorted { $0.x < $1.x }
      guard !points.isEmpty else { throw ValidationError("no row has both \(x) and \(field)") }
      chart.series.append(LineChart.Series(name: name, points: points))
    }
    try chart.svg().write(toFile: output, atomically: true, encoding: .utf8)
    print("wrote \(output): \(chart.series.count) lines")
  }
}
