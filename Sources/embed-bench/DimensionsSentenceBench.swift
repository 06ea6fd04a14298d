import ArgumentParser
import EmbeddingKit
import Foundation

/// The sentence-encoder half of `embed-bench dimensions`: Matryoshka truncation of a
/// sentence-transformers model at several dimensions, scored on STS-B dev.
///
/// The texts are encoded ONCE at the model's full dimension (timed: truncation happens after
/// the encoder, so the encode cost does not depend on the kept dimension); each row is then cut
/// to the first d columns and renormalised, exactly what `SentenceEncoderOptions.dimensions`
/// does (checked on the first 32 texts against an encoder built with that option).
struct MatryoshkaRun {
  var model: String
  var sts: String
  var dimensions: [Int]
  var threads: Int
  var output: String

  /// One row per dimension: dimension, STS-B dev Spearman, bytes per vector, encode texts/s.
  func run() throws -> [[String: Double]] {
    let pairs = try readSTS(sts)
    let texts = pairs.flatMap { [$0.a, $0.b] }
    var options = SentenceEncoderOptions()
    options.threads = threads
    let encoder = try SentenceEncoder(directory: model, options: options)
    let start = MonotonicClock.now()
    let full = try encoder.embed(texts).vectors
    let seconds = MonotonicClock.now() - start
    let rate = Double(texts.count) / seconds
    print(
      "sentence encoder: \(texts.count) STS-B dev sentences at \(full.columns) dimensions in "
        + String(format: "%.1f s (%.1f sentences/s)", seconds, rate))
    var rows: [[String: Double]] = []
    for d in dimensions where d <= full.columns {
      let cut = truncate(full, to: d)
      try checkAgainstEncoder(cut, dimension: d, texts: Array(texts.prefix(32)))
      var cosines: [Double] = []
      for i in 0..<pairs.count {
        cosines.append(
          Double(VectorKernels.dot(cut.rowPointer(2 * i), cut.rowPointer(2 * i + 1), d)))
      }
      let rho = spearman(cosines, pairs.map(\.score))
      print(String(format: "  %4d dims: STS-B dev Spearman %.4f", d, rho))
      rows.append([
        "dimension": Double(d), "stsSpearman": rho, "bytesPerVector": Double(4 * d),
        "encodePerSecond": rate,
      ])
    }
    return rows
  }

  /// The first `d` columns of every row, renormalised to unit length.
  private func truncate(_ m: Matrix, to d: Int) -> Matrix {
    let out = Matrix(rows: m.rows, columns: d)
    for r in 0..<m.rows {
      out.rowPointer(r).update(from: m.rowPointer(r), count: d)
      _ = VectorKernels.normalize(out.rowPointer(r), d)
    }
    return out
  }

  /// Fails if the encoder's own `dimensions` option disagrees with the truncation.
  private func checkAgainstEncoder(_ cut: Matrix, dimension d: Int, texts: [String]) throws {
    var options = SentenceEncoderOptions()
    options.threads = threads
    options.dimensions = d
    let direct = try SentenceEncoder(directory: model, options: options).embed(texts).vectors
    var worst: Float = 0
    for r in 0..<texts.count {
      for c in 0..<d { worst = max(worst, abs(direct[r, c] - cut[r, c])) }
    }
    guard worst < 1e-5 else {
      throw ValidationError("truncation and SentenceEncoder dimensions differ by \(worst)")
    }
  }

  /// STS-B rows: tab-separated, score in column 5, the two sentences in columns 6 and 7.
  private func readSTS(_ path: String) throws -> [(a: String, b: String, score: Double)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(separator: "\n").compactMap { line in
      let f = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard f.count >= 7, let s = Double(f[4]) else { return nil }
      return (String(f[5]), String(f[6]), s)
    }
  }

  private func spearman(_ x: [Double], _ y: [Double]) -> Double {
    func ranks(_ v: [Double]) -> [Double] {
      let order = v.indices.sorted { v[$0] < v[$1] }
      var r = [Double](repeating: 0, count: v.count)
      var i = 0
      while i < order.count {
        var j = i
        while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
        for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
        i = j + 1
      }
      return r
    }
    let (rx, ry) = (ranks(x), ranks(y))
    let mx = rx.reduce(0, +) / Double(rx.count)
    let my = ry.reduce(0, +) / Double(ry.count)
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in rx.indices {
      sxy += (rx[i] - mx) * (ry[i] - my)
      sxx += (rx[i] - mx) * (rx[i] - mx)
      syy += (ry[i] - my) * (ry[i] - my)
    }
    return sxy / (sxx * syy).squareRoot()
  }

  /// Writes `sentence-dimensions.json`, `.md` and the `sentence-dimensions.svg` chart.
  func write(rows: [[String: Double]], load: [Double]) throws {
    let json = try JSONSerialization.data(
      withJSONObject: ["model": model, "threads": threads, "load": load, "rows": rows],
      options: [.prettyPrinted, .sortedKeys])
    try json.write(to: URL(fileURLWithPath: "\(output)/sentence-dimensions.json"))
    var chart = LineChart(
      title: "Sentence encoder quality by dimension (Matryoshka truncation)",
      xLabel: "dimension", yLabel: "STS-B dev Spearman")
    chart.subtitle =
      "\((model as NSString).lastPathComponent), load \(String(format: "%.1f", load[0]))"
    chart.logX = true
    chart.series = [
      LineChart.Series(
        name: "all-MiniLM-L6-v2, first d dims",
        points: rows.map { (x: $0["dimension"]!, y: $0["stsSpearman"]!) })
    ]
    try chart.svg().write(
      toFile: "\(output)/sentence-dimensions.svg", atomically: true, encoding: .utf8)
    var table = "| encoder | dim | STS-B dev ρ | bytes/vector | encode sentences/s |\n"
    table += "|---|---:|---:|---:|---:|\n"
    for r in rows {
      table += String(
        format: "| MiniLM, first d | %d | %.4f | %d | %.1f |\n", Int(r["dimension"]!),
        r["stsSpearman"]!, Int(r["bytesPerVector"]!), r["encodePerSecond"]!)
    }
    try table.write(
      toFile: "\(output)/sentence-dimensions.md", atomically: true, encoding: .utf8)
  }
}
