import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 5: a 2-D t-SNE map of a few birds, countries and cities from the shipped vectors,
  /// written as plot.svg, plot.html (interactive) and plot.png, with how well the groups
  /// separate: the share of words whose nearest other word on the map is of their group.
  func plotStep() throws {
    Terminal.heading("5. Seeing embeddings: a 2-D map of birds, countries and cities")
    let (vectors, path) = try shippedVectors()
    // Eight of each. Capitals are left out on purpose: a capital's vector sits next to its
    // country's (the relation `paris - france + italy ≈ rome` uses), which would blur the groups.
    let candidates: [(group: String, words: [String])] = [
      ("birds", ["bird", "eagle", "hawk", "owl", "sparrow", "falcon", "raven", "duck"]),
      (
        "countries",
        ["france", "germany", "italy", "spain", "india", "canada", "mexico", "brazil"]
      ),
      (
        "cities",
        ["london", "chicago", "boston", "toronto", "sydney", "cairo", "vienna", "washington"]
      ),
    ]
    var groups = WordGroups()
    var chosen: [String] = []
    for (group, words) in candidates {
      // The 8 most frequent candidates the vocabulary has (rows are in frequency order).
      let present = words.compactMap { w in vectors.index(of: w).map { (w, $0) } }
        .sorted { $0.1 < $1.1 }.prefix(8).map(\.0)
      for w in present { groups.add(w, to: group) }
      chosen += present
      print(
        "\(group): \(present.isEmpty ? "(none in the vocabulary)" : present.joined(separator: ", "))"
      )
    }
    // A small corpus may lack most of them: then the most frequent words fill the map.
    let fill = chosen.count < 12 ? min(vectors.count, 40) : nil
    if let fill {
      print("few of them are in the vocabulary: adding the \(fill) most frequent words")
    }
    let selection = try WordSelection(vectors: vectors, words: chosen, top: fill)
    let matrix = try selection.matrix(from: vectors, normalize: true)
    var config = TSNE.Configuration()
    config.perplexity = max(1, min(5, Double(selection.words.count - 1) / 3))
    config.threads = 1  // the same map on every run
    let map = try Projector(method: .tsne, tsne: config).project(matrix)
    let categories = selection.words.map { groups.category(of: $0) }
    let (same, total) = Self.nearestNeighbourAgreement(map.coordinates, categories)
    if total > 0 {
      print(
        "groups on the map: for \(same) of \(total) words "
          + "(\(String(format: "%.0f", 100 * Double(same) / Double(total)))%) the nearest other "
          + "word in 2-D is of the same group")
    }
    var plot = ScatterPlot(
      title: "Word2Vec vectors (16.7M words of English): birds, countries, cities",
      subtitle: map.description + " (cosine geometry)")
    for (i, w) in selection.words.enumerated() {
      plot.add(
        x: map.coordinates[i, 0], y: map.coordinates[i, 1], label: w, category: categories[i])
    }
    plot.computeNeighbours(from: matrix, k: 5, threads: config.threads)
    for name in ["plot.svg", "plot.html", "plot.png"] {
      let file = (outputDirectory as NSString).appendingPathComponent(name)
      try PlotOutput.write(plot, to: file, width: 960, height: 720)
      print("wrote \(file)")
    }
    print("\(map.description). Open plot.html in a browser: click a word to see its neighbours.")
    let mine = (outputDirectory as NSString).appendingPathComponent("my-plot.html")
    print("Draw it yourself, or the same words from the vectors you trained:")
    let groupOptions = candidates.map { group, words in
      "--group \(group)=\(words.filter { chosen.contains($0) }.joined(separator: ","))"
    }
    let again = (outputDirectory as NSString).appendingPathComponent("plot-again.html")
    print(
      "  embed plot \(path) \(groupOptions.joined(separator: " ")) --perplexity "
        + "\(String(format: "%g", config.perplexity)) --threads 1 -o \(again)")
    print(
      "  embed plot \((outputDirectory as NSString).appendingPathComponent("vectors.bin")) "
        + "--words \"\(chosen.prefix(6).joined(separator: ","))\" --skip-missing -o \(mine)")
  }

  /// How many words that have a category have, as their nearest other point in 2-D (squared
  /// Euclidean), a word of the same category; and how many words have a category.
  static func nearestNeighbourAgreement(_ points: Matrix, _ categories: [String?]) -> (
    same: Int, total: Int
  ) {
    var same = 0
    var total = 0
    for i in 0..<points.rows {
      guard let category = categories[i] else { continue }
      total += 1
      var best = (index: -1, distance: Float.infinity)
      for j in 0..<points.rows where j != i {
        let dx = points[i, 0] - points[j, 0]
        let dy = points[i, 1] - points[j, 1]
        let d = dx * dx + dy * dy
        if d < best.distance { best = (j, d) }
      }
      if best.index >= 0 && categories[best.index] == category { same += 1 }
    }
    return (same, total)
  }
}
