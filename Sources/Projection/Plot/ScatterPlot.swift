import EmbeddingCore

/// What a plot shows: labelled 2-D points, optional categories, a title, and optionally each
/// point's nearest neighbours in the original space (for the interactive page).
///
/// ```swift
/// var plot = ScatterPlot(title: "Birds and countries")
/// plot.add(x: 0.1, y: 2.0, label: "eagle", category: "birds")
/// let svg = SVGRenderer().render(plot)
/// ```
public struct ScatterPlot: Sendable {
  /// One labelled point.
  public struct Point: Sendable, Equatable {
    /// Map coordinates (any scale; renderers fit them to the canvas).
    public var x: Float
    /// Map coordinates (y grows upwards, as on paper).
    public var y: Float
    /// The word shown next to the point.
    public var label: String
    /// The group that sets the point's colour, or nil.
    public var category: String?

    /// Creates a point.
    public init(x: Float, y: Float, label: String, category: String? = nil) {
      self.x = x
      self.y = y
      self.label = label
      self.category = category
    }
  }

  /// A neighbour in the original space, for the interactive page.
  public struct Neighbour: Sendable, Equatable {
    /// Index into `points`.
    public var index: Int
    /// Cosine similarity in the original space.
    public var similarity: Float

    /// Creates a neighbour entry.
    public init(index: Int, similarity: Float) {
      self.index = index
      self.similarity = similarity
    }
  }

  /// The heading drawn above the plot.
  public var title: String
  /// A smaller line under the title (method, settings).
  public var subtitle: String
  /// The points, in priority order: earlier points get their labels placed first.
  public var points: [Point] = []
  /// Per point, its nearest neighbours in the original space (empty if not computed).
  public var neighbours: [[Neighbour]] = []

  /// Creates an empty plot.
  public init(title: String, subtitle: String = "") {
    self.title = title
    self.subtitle = subtitle
  }

  /// Appends a point.
  public mutating func add(x: Float, y: Float, label: String, category: String? = nil) {
    points.append(Point(x: x, y: y, label: label, category: category))
  }

  /// Categories in order of first appearance.
  public var categories: [String] {
    var seen = Set<String>()
    var out: [String] = []
    for p in points {
      if let c = p.category, seen.insert(c).inserted { out.append(c) }
    }
    return out
  }

  /// Point indices in the order labels are placed: grouped points first, then the rest, each
  /// in data order (most frequent first for `--top`).
  var labelPriority: [Int] {
    points.indices.filter { points[$0].category != nil }
      + points.indices.filter { points[$0].category == nil }
  }

  /// Point indices in the order they are drawn: uncategorised first, grouped ones on top.
  var drawingOrder: [Int] {
    points.indices.filter { points[$0].category == nil }
      + points.indices.filter { points[$0].category != nil }
  }

  /// Fills `neighbours` with each point's `k` nearest points by cosine similarity of
  /// `vectors` (one row per point, in the same order).
  ///
  /// - Complexity: O(n² · d).
  public mutating func computeNeighbours(from vectors: Matrix, k: Int, threads: Int) {
    precondition(vectors.rows == points.count, "one vector per point")
    let knn = NeighbourLists.exact(points: vectors, k: k, metric: .cosine, threads: threads)
    neighbours = (0..<points.count).map { i in
      knn.k == 0
        ? [] : knn.neighbours(of: i).map { Neighbour(index: $0.index, similarity: 1 - $0.distance) }
    }
  }
}

/// The colours of categories: a qualitative palette (colour-blind-friendly order), grey for
/// points without a category.
public enum PlotPalette {
  /// Hex colours, cycled when there are more categories.
  public static let colours = [
    "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7",
    "#9c755f", "#17becf", "#bcbd22", "#7f7f7f",
  ]
  /// Colour of uncategorised points.
  public static let uncategorized = "#8a8f98"

  /// The colour for category number `i` (or uncategorised for nil).
  public static func colour(_ i: Int?) -> String {
    guard let i else { return uncategorized }
    return colours[i % colours.count]
  }
}
