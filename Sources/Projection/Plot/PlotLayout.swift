/// Maps map coordinates to canvas pixels with one scale for both axes (distances on a t-SNE
/// or PCA map mean the same in every direction), leaving room for the title and legend.
struct PlotLayout {
  let width: Double
  let height: Double
  let plotLeft: Double
  let plotTop: Double
  let plotRight: Double
  let plotBottom: Double
  private let scale: Double
  private let originX: Double
  private let originY: Double

  init(_ plot: ScatterPlot, width: Double, height: Double, legendWidth: Double) {
    self.width = width
    self.height = height
    plotLeft = 24
    plotTop = plot.subtitle.isEmpty ? 56 : 74
    plotRight = width - 24 - legendWidth
    plotBottom = height - 24
    var minX = Double.infinity
    var maxX = -Double.infinity
    var minY = Double.infinity
    var maxY = -Double.infinity
    for p in plot.points {
      minX = min(minX, Double(p.x))
      maxX = max(maxX, Double(p.x))
      minY = min(minY, Double(p.y))
      maxY = max(maxY, Double(p.y))
    }
    if plot.points.isEmpty {
      minX = 0
      maxX = 1
      minY = 0
      maxY = 1
    }
    // Leave a margin inside the frame for labels of points on the edge.
    let innerW = max(1, plotRight - plotLeft - 80)
    let innerH = max(1, plotBottom - plotTop - 30)
    let spanX = max(maxX - minX, 1e-9)
    let spanY = max(maxY - minY, 1e-9)
    scale = min(innerW / spanX, innerH / spanY)
    originX = (plotLeft + plotRight) / 2 - (minX + maxX) / 2 * scale
    originY = (plotTop + plotBottom) / 2 + (minY + maxY) / 2 * scale
  }

  /// Pixel position of a map point (y flipped so up is up).
  func pixel(_ p: ScatterPlot.Point) -> (x: Double, y: Double) {
    (originX + Double(p.x) * scale, originY - Double(p.y) * scale)
  }
}
