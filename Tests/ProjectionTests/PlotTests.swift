import CZlib
import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing
import WordEmbeddings

@testable import Projection

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct PlotTests {
  func samplePlot(_ n: Int = 40) -> ScatterPlot {
    var rng = SeededGenerator(seed: 11)
    var plot = ScatterPlot(title: "Birds & <cities>", subtitle: "t-SNE")
    for i in 0..<n {
      let category: String? = i % 3 == 0 ? "birds" : i % 3 == 1 ? "cities" : nil
      plot.add(
        x: rng.nextFloat() * 10, y: rng.nextFloat() * 10, label: "word\(i)", category: category)
    }
    return plot
  }

  @Test func labelsNeverOverlapEachOtherOrPoints() {
    var rng = SeededGenerator(seed: 4)
    let centres = (0..<300).map { _ in
      (x: 50 + Double(rng.nextFloat()) * 500, y: 50 + Double(rng.nextFloat()) * 400)
    }
    let sizes = (0..<300).map { i in (width: 20.0 + Double(i % 7) * 6, height: 12.0) }
    var placer = LabelPlacer(bounds: PixelRect(x: 40, y: 40, width: 520, height: 420))
    let placed = placer.place(centres: centres, sizes: sizes, radius: 2)
    #expect(placed.count > 60)  // dense: many, not all, labels fit
    for (a, p) in placed.enumerated() {
      #expect(p.box.x >= 40 && p.box.y >= 40 && p.box.x + p.box.width <= 560)
      for q in placed[(a + 1)...] { #expect(!p.box.overlaps(q.box)) }
      for c in centres {
        #expect(!p.box.overlaps(PixelRect(x: c.x - 2, y: c.y - 2, width: 4, height: 4)))
      }
    }
  }

  @Test func svgIsWellFormedWithPointsLabelsAndLegend() throws {
    let svg = SVGRenderer().render(samplePlot())
    let parser = XMLParser(data: Data(svg.utf8))
    #expect(parser.parse(), "SVG does not parse: \(String(describing: parser.parserError))")
    #expect(svg.components(separatedBy: "<circle").count - 1 == 40 + 3)  // points + legend
    #expect(svg.contains("Birds &amp; &lt;cities&gt;"))
    #expect(svg.contains(">birds</text>") && svg.contains(">other</text>"))
    #expect(svg.contains("<title>word7</title>"))
  }

  @Test func htmlIsSelfContainedAndEscapesWords() {
    var plot = samplePlot(12)
    plot.points[3].label = "</script><b>x"
    plot.computeNeighbours(from: Fixture.random(rows: 12, columns: 5, seed: 2), k: 3, threads: 1)
    let html = HTMLRenderer().render(plot)
    #expect(!html.contains("</script><b>"))
    #expect(html.contains("\\u003c/script\\u003e\\u003cb\\u003ex"))
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains(" src="))
    #expect(html.contains("\"nbrs\":[["))
    #expect(plot.neighbours.allSatisfy { $0.count == 3 })
    #expect(
      plot.neighbours[0].map(\.similarity) == plot.neighbours[0].map(\.similarity).sorted(by: >))
  }

  @Test func pngDecodesToTheRightSizeAndColours() throws {
    var plot = ScatterPlot(title: "t")
    plot.add(x: 0, y: 0, label: "a", category: "g")
    plot.add(x: 1, y: 1, label: "b", category: "g")
    let png = [UInt8](try PNGRenderer(width: 300, height: 200).render(plot))
    #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    func u32(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    #expect(u32(16) == 300 && u32(20) == 200)
    // Inflate IDAT and find the point colour (#4e79a7) at the first point's centre.
    var at = 8
    var idat: [UInt8] = []
    while at < png.count {
      let length = u32(at)
      if String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self) == "IDAT" {
        idat += png[(at + 8)..<(at + 8 + length)]
      }
      at += 12 + length
    }
    var size = uLong(201 * 900)
    var raw = [UInt8](repeating: 0, count: Int(size))
    let status = uncompress(&raw, &size, idat, uLong(idat.count))
    #expect(status == Z_OK && size == 200 * 901)
    let layout = PlotLayout(plot, width: 300, height: 200, legendWidth: 170)
    let c = layout.pixel(plot.points[0])
    let offset = Int(c.y) * 901 + 1 + Int(c.x) * 3
    #expect(Array(raw[offset..<(offset + 3)]) == [0x4e, 0x79, 0xa7])
  }

  @Test func selectionDropsDuplicatesAndNamesMissingWords() throws {
    let wv = try WordVectors(
      words: ["the", "eagle", "owl", "paris"], matrix: Fixture.random(rows: 4, columns: 3, seed: 1))
    let pick = try WordSelection(vectors: wv, words: ["owl", "eagle", "owl"], top: 2)
    #expect(pick.words == ["owl", "eagle", "the"])
    #expect(pick.notes == ["listed more than once, plotted once: owl"])
    do {
      _ = try WordSelection(vectors: wv, words: ["owl", "dodo", "moa"], top: nil)
      Issue.record("missing words accepted")
    } catch {
      #expect("\(error)".contains("'dodo', 'moa'") && "\(error)".contains("--skip-missing"))
    }
    let skipped = try WordSelection(
      vectors: wv, words: ["owl", "dodo"], top: nil, skipMissing: true)
    #expect(skipped.words == ["owl"] && skipped.notes.first?.contains("dodo") == true)
    wv.matrix[2, 1] = .nan
    #expect(throws: EmbeddingError.self) { try skipped.matrix(from: wv, normalize: true) }
  }

  @Test func groupsFileIsReadAndBadLinesAreNamed() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ek-groups-\(UUID())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = dir.appendingPathComponent("g.tsv").path
    try "# birds and cities\neagle\tbirds\n\nparis\tcities\neagle\tcities\nnew york\tcities\n"
      .write(toFile: good, atomically: true, encoding: .utf8)
    let groups = try WordGroups(contentsOf: good)
    #expect(groups.words == ["eagle", "paris", "new york"])
    #expect(groups.category(of: "eagle") == "birds")
    let bad = dir.appendingPathComponent("bad.tsv").path
    try "eagle\tbirds\nowl\n".write(toFile: bad, atomically: true, encoding: .utf8)
    #expect(
      throws: EmbeddingError.malformed(
        path: bad, location: "line 2", reason: "expected 'word<TAB>category', got 'owl'")
    ) {
      try WordGroups(contentsOf: bad)
    }
  }
}

@Suite struct LineChartTests {
  @Test func drawsOneLinePerSeriesWithLegendAndLogTicks() {
    var chart = LineChart(title: "Q <by> dim", xLabel: "dimension", yLabel: "score")
    chart.logX = true
    chart.series = [
      .init(name: "analogy", points: [(2, 0.0), (100, 0.3), (1024, 0.35)]),
      .init(name: "wordsim", points: [(2, 0.1), (100, 0.6), (1024, 0.62)]),
    ]
    let svg = chart.svg()
    #expect(svg.components(separatedBy: "<polyline").count == 3)
    #expect(svg.contains(">analogy</text>") && svg.contains(">wordsim</text>"))
    #expect(svg.contains("Q &lt;by&gt; dim"))
    #expect(svg.contains(">1024</text>") && svg.contains("(log scale)"))
    // On a log axis, 100 sits nearer 1024 than the midpoint of a linear axis would put it.
    let xs = svg.components(separatedBy: "<circle cx=\"").dropFirst().prefix(3).compactMap {
      Double($0.prefix { $0 != "\"" })
    }
    #expect(xs.count == 3)
    if xs.count == 3 { #expect((xs[1] - xs[0]) / (xs[2] - xs[0]) > 0.6) }
  }
}
