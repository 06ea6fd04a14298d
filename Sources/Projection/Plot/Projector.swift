import EmbeddingCore
import Foundation

/// Projects vectors to 2-D with the method a user picked, and says what it did in one line.
///
/// ```swift
/// let map = try Projector(method: .tsne).project(matrix)
/// map.coordinates   // n × 2
/// map.description   // "t-SNE (exact), perplexity 9, KL 0.41"
/// ```
public struct Projector: Sendable {
  /// The projection methods.
  public enum Method: String, Sendable, CaseIterable {
    /// Principal components 1 and 2: fast, keeps global geometry, linear.
    case pca
    /// t-SNE: keeps neighbourhoods, clusters stand out; distances between clusters mean little.
    case tsne
    /// UMAP: keeps neighbourhoods and more of the global layout than t-SNE.
    case umap
  }

  /// A finished projection.
  public struct Map: Sendable {
    /// n × 2 coordinates.
    public let coordinates: Matrix
    /// One line describing the method and its key numbers.
    public let description: String
    /// Warnings to show (such as a lowered perplexity).
    public let notes: [String]
  }

  /// Which method.
  public var method: Method
  /// t-SNE settings (used when `method == .tsne`).
  public var tsne: TSNE.Configuration
  /// UMAP settings (used when `method == .umap`).
  public var umap = UMAP.Configuration()

  /// Creates a projector.
  public init(method: Method, tsne: TSNE.Configuration = TSNE.Configuration()) {
    self.method = method
    self.tsne = tsne
  }

  /// Projects the rows of `points`.
  ///
  /// t-SNE or UMAP on 2 or 3 points falls back to PCA (noted); a
  /// single point sits at the origin.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` for NaN/infinite values (row named).
  public func project(_ points: Matrix, progress: ProgressHandler? = nil) throws(EmbeddingError)
    -> Map
  {
    if points.rows == 1 {
      try InputCheck.requireFinite(points)
      return Map(coordinates: Matrix(rows: 1, columns: 2), description: "one point", notes: [])
    }
    if method == .tsne && points.rows >= 4 {
      let r = try TSNE.embed(points, configuration: tsne, progress: progress)
      let desc = String(
        format: "t-SNE (%@), perplexity %@, KL %.3f", r.method.rawValue,
        TSNE.format(r.perplexity), r.klDivergence)
      return Map(coordinates: r.coordinates, description: desc, notes: r.notes)
    }
    if method == .umap && points.rows >= 4 {
      let r = try UMAP.embed(points, configuration: umap, progress: progress)
      let desc = String(
        format: "UMAP, %d neighbours, min distance %@, %d epochs",
        min(umap.neighbours, points.rows),
        TSNE.format(umap.minDistance), r.epochs)
      return Map(coordinates: r.coordinates, description: desc, notes: r.notes)
    }
    let components = min(2, points.columns)
    let pca = try PCA.fit(points, components: components, threads: tsne.threads)
    let coords = Matrix(rows: points.rows, columns: 2)
    for r in 0..<points.rows {
      for c in 0..<components { coords[r, c] = pca.coordinates[r, c] }
    }
    let share = pca.explainedVarianceRatio.map { String(format: "%.1f%%", $0 * 100) }
    var notes: [String] = []
    if method != .pca {
      notes.append(
        "\(method == .tsne ? "t-SNE" : "UMAP") needs at least 4 points; "
          + "\(points.rows) points are drawn with PCA")
    }
    return Map(
      coordinates: coords,
      description: "PCA, explained variance " + share.joined(separator: " + "), notes: notes)
  }
}
