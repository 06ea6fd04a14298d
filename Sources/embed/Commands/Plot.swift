import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed plot`: word vectors → 2-D map → SVG, interactive HTML and/or PNG.
struct Plot: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw word vectors in 2-D (PCA, t-SNE or UMAP) as SVG, interactive HTML or PNG.",
    discussion: """
      Picks words (--words, --group, --groups, --top), projects their vectors to two \
      dimensions and draws them, coloured by group, labelled without overlaps.

      Examples:
        embed plot vectors.bin --words "eagle,owl,france,paris" -o plot.svg
        embed plot vectors.bin --group birds=eagle,owl,hawk \\
          --group cities=paris,rome,berlin -o plot.svg -o plot.html
        embed plot vectors.bin --top 2000 --groups groups.tsv -o map.html
        embed plot vectors.bin --top 300 --method pca -o pca.png

      Methods: pca keeps the global geometry (the share of variance of its two axes is \
      printed); tsne keeps neighbourhoods, so groups of similar words stand out, but distances \
      between groups mean little; umap also keeps neighbourhoods, with more of the global \
      layout. t-SNE needs about 3 x perplexity + 1 points: with fewer, \
      the perplexity is lowered to (points - 1) / 3 and a note says so; with fewer than 4 \
      points, PCA is drawn instead. Vectors are scaled to unit length first (cosine \
      geometry) unless --no-normalize.

      The HTML page is one file that needs no network: drag to pan, scroll to zoom, hover for \
      the word, search a word (or open page.html#word), click a point to highlight its \
      --neighbours nearest words in the original space (cosine similarity). The PNG is drawn \
      by EmbeddingKit's own rasteriser and bitmap font (zlib only; ASCII labels).

      Bad input: words missing from the vocabulary are an error that lists them all \
      (--skip-missing plots the rest); a word given twice is plotted once; a vector holding \
      NaN or infinity is an error naming the word (--allow-non-finite loads such a file, to \
      plot its other words).
      """)

  @Argument(help: "Word vectors (word2vec .bin/.txt, fastText .vec, GloVe; format detected).")
  var vectors: String

  @Option(help: "Comma-separated words to plot.")
  var words: String?

  @Option(
    name: .customLong("group"),
    help: ArgumentHelp(
      "A named group: NAME=word,word,... (repeatable). Its words are plotted in one colour.",
      valueName: "name=words"))
  var groupSpecs: [String] = []

  @Option(
    help: ArgumentHelp(
      "File of 'word<TAB>category' lines: colours by category; its words are plotted too.",
      valueName: "file"))
  var groups: String?

  @Option(help: "Also plot the N most frequent words (the first N rows of the file).")
  var top: Int?

  @Option(help: "Projection: pca, tsne or umap.")
  var method: Projector.Method = .tsne

  @Option(
    name: [.short, .customLong("output")],
    help: "Output file; the format follows the extension: .svg, .html or .png (repeatable).")
  var outputs: [String] = ["plot.svg"]

  @Option(help: "Plot title (default: the file name and the number of words).")
  var title: String?

  @Option(help: "t-SNE perplexity: about how many neighbours each word attends to.")
  var perplexity: Double = 30

  @Option(help: "t-SNE iterations, early exaggeration included.")
  var iterations: Int = 750

  @Option(help: "t-SNE Barnes-Hut accuracy (smaller is slower and more exact).")
  var theta: Double = 0.5

  @Option(help: "UMAP: neighbours per word in the fuzzy graph.")
  var umapNeighbours: Int = 15

  @Option(help: "UMAP: how tightly words may pack.")
  var minDistance: Double = 0.1

  @Option(help: "Random seed (t-SNE random start, UMAP negative sampling).")
  var seed: UInt64 = 1

  @Option(help: "Worker threads (default: $EMBEDDINGKIT_THREADS, else the number of cores).")
  var threads: Int?

  @Option(help: "Nearest neighbours per word listed in the HTML page (0 = none).")
  var neighbours: Int = 10

  @Option(help: "Canvas width in pixels (SVG, PNG).")
  var width: Int = 960

  @Option(help: "Canvas height in pixels (SVG, PNG).")
  var height: Int = 720

  @Flag(help: "Project the raw vectors instead of unit-length ones (cosine geometry).")
  var noNormalize = false

  @Flag(help: "Leave out words that are not in the vocabulary instead of failing.")
  var skipMissing = false

  @Flag(name: .shortAndLong, help: "No progress output.")
  var quiet = false

  @OptionGroup var file: VectorFileOptions

  func validate() throws {
    for o in outputs where PlotOutput.Format(path: o) == nil {
      throw ValidationError("--output \(o): use a .svg, .html or .png file name")
    }
    if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    if perplexity <= 0 { throw ValidationError("--perplexity must be positive") }
    if width < 200 || height < 150 { throw ValidationError("--width/--height are too small") }
    if width > 20_000 || height > 20_000 {
      throw ValidationError("--width/--height are at most 20000 pixels (got \(width) × \(height))")
    }
    for spec in groupSpecs where !spec.contains("=") {
      throw ValidationError("--group \(spec): expected NAME=word,word,...")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }

  /// The words to plot and their groups: --words, then the --group words, then the --groups
  /// file's. A word in both --words and a group is one request; one given twice in the same
  /// list is reported (and plotted once).
  func requestedWords() throws -> (words: [String], groups: WordGroups) {
    var wordGroups = try groups.map { try WordGroups(contentsOf: $0) } ?? WordGroups()
    var requested = PlotOutput.split(words ?? "")
    var fromGroups: [String] = []
    for spec in groupSpecs {
      let parts = spec.split(separator: "=", maxSplits: 1)
      let name = String(parts[0]).trimmingCharacters(in: .whitespaces)
      for w in PlotOutput.split(parts.count > 1 ? String(parts[1]) : "") {
        wordGroups.add(w, to: name)
        fromGroups.append(w)
      }
    }
    // WordGroups keeps each word once: add the file's words that no --group spec gave.
    let listed = Set(requested)
    let specWords = Set(fromGroups)
    requested += fromGroups.filter { !listed.contains($0) }
    requested += wordGroups.words.filter { !listed.contains($0) && !specWords.contains($0) }
    return (requested, wordGroups)
  }

  func run() throws {
    try OutputPaths.check(outputs.map { ("-o", $0) }, inputs: [vectors, groups])
    let threads = threads ?? Parallelism.defaultThreads
    let wv = try file.load(vectors)
    let (requested, wordGroups) = try requestedWords()
    let defaultTop = requested.isEmpty && top == nil ? 500 : top
    let selection = try WordSelection(
      vectors: wv, words: requested, top: defaultTop, skipMissing: skipMissing)
    selection.notes.forEach { Terminal.note("note: \($0)") }
    let matrix = try selection.matrix(from: wv, normalize: !noNormalize)
    // The exact neighbour search compares every pair: about 2 s per 10⁸ pairs × 100 dims.
    let searchMinutes =
      Double(matrix.rows) * Double(matrix.rows) * Double(matrix.columns) / 5e9 / 60
    if method != .pca && matrix.rows > 1000 && searchMinutes >= 1 {
      Terminal.note(
        "note: \(method == .tsne ? "t-SNE" : "UMAP") of \(matrix.rows) words compares every pair of vectors first "
          + "(about \(Int(searchMinutes.rounded(.up))) min on 2 cores); --method pca is instant")
    }
    var config = TSNE.Configuration()
    config.perplexity = perplexity
    config.iterations = iterations
    config.theta = theta
    config.seed = seed
    config.threads = threads
    let bar = ProgressBar(quiet: quiet)
    var projector = Projector(method: method, tsne: config)
    projector.umap.neighbours = umapNeighbours
    projector.umap.minDistance = minDistance
    projector.umap.seed = seed
    projector.umap.threads = threads
    let map = try projector.project(matrix, progress: bar.handler)
    bar.finish()
    map.notes.forEach { Terminal.note("note: \($0)") }
    var plot = ScatterPlot(
      title: title ?? "\(URL(fileURLWithPath: vectors).lastPathComponent): "
        + "\(selection.words.count) words", subtitle: map.description)
    for (i, w) in selection.words.enumerated() {
      plot.add(
        x: map.coordinates[i, 0], y: map.coordinates[i, 1], label: w,
        category: wordGroups.category(of: w))
    }
    if neighbours > 0 && outputs.contains(where: { PlotOutput.Format(path: $0) == .html }) {
      plot.computeNeighbours(from: matrix, k: neighbours, threads: threads)
    }
    for o in outputs {
      try PlotOutput.write(plot, to: o, width: Double(width), height: Double(height))
      print("wrote \(o) (\(selection.words.count) words, \(map.description))")
    }
  }
}

/// Writing a plot to a file in the format its extension names.
enum PlotOutput {
  enum Format {
    case svg, html, png
    init?(path: String) {
      switch URL(fileURLWithPath: path).pathExtension.lowercased() {
      case "svg": self = .svg
      case "html", "htm": self = .html
      case "png": self = .png
      default: return nil
      }
    }
  }

  static func write(_ plot: ScatterPlot, to path: String, width: Double, height: Double) throws {
    let data: Data
    switch Format(path: path) {
    case .svg: data = Data(SVGRenderer(width: width, height: height).render(plot).utf8)
    case .html: data = Data(HTMLRenderer().render(plot).utf8)
    case .png: data = try PNGRenderer(width: Int(width), height: Int(height)).render(plot)
    case nil: throw EmbeddingError.invalidArgument("\(path): use a .svg, .html or .png name")
    }
    try AtomicFile.write(to: path) { try $0.write([UInt8](data)) }
  }

  /// Splits "a, b,c" into ["a", "b", "c"].
  static func split(_ list: String) -> [String] {
    list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty
    }
  }
}
