import EmbeddingKit
import Foundation

extension QuickstartSteps {
  /// Step 5: a 2-D t-SNE map of a few birds, countries and cities from `<output>/vectors.bin`,
  /// written as plot.svg, plot.html (interactive) and plot.png.
  func plotStep() throws {
    Terminal.heading("5. Seeing embeddings: a 2-D map of birds, countries and cities")
    let path = (outputDirectory as NSString).appendingPathComponent("vectors.bin")
    guard FileManager.default.fileExists(atPath: path) else {
      print("skipped: \(path) is missing (the Word2Vec step writes it)")
      return
    }
    let vectors = try WordVectors.load(contentsOf: path)
    let candidates: [(group: String, words: [String])] = [
      (
        "birds",
        [
          "bird", "eagle", "hawk", "owl", "sparrow", "crow", "pigeon", "parrot", "swan", "duck",
          "goose", "robin", "falcon", "raven", "dove", "heron", "gull", "hen",
        ]
      ),
      (
        "countries",
        [
          "france", "germany", "italy", "spain", "china", "japan", "india", "russia", "england",
          "canada", "brazil", "egypt", "greece", "mexico", "australia", "poland",
        ]
      ),
      (
        "cities",
        [
          "paris", "london", "berlin", "rome", "tokyo", "moscow", "madrid", "beijing", "chicago",
          "sydney", "vienna", "cairo", "athens", "boston", "toronto", "washington",
        ]
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
    let map = try Projector(method: .tsne, tsne: config).project(matrix)
    var plot = ScatterPlot(
      title: "Word2Vec vectors from the quickstart: birds, countries, cities",
      subtitle: map.description + " (cosine geometry)")
    for (i, w) in selection.words.enumerated() {
      plot.add(
        x: map.coordinates[i, 0], y: map.coordinates[i, 1], label: w,
        category: groups.category(of: w))
    }
    plot.computeNeighbours(from: matrix, k: 5, threads: config.threads)
    for name in ["plot.svg", "plot.html", "plot.png"] {
      let file = (outputDirectory as NSString).appendingPathComponent(name)
      try PlotOutput.write(plot, to: file, width: 960, height: 720)
      print("wrote \(file)")
    }
    print("\(map.description). Open plot.html in a browser: click a word to see its neighbours.")
    print("Your own vectors: embed plot VECTORS --words \"eagle,owl,paris\" -o plot.html")
  }
}
