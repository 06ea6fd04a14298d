/// An axis-aligned rectangle in pixels.
struct PixelRect: Equatable {
  var x: Double
  var y: Double
  var width: Double
  var height: Double

  func overlaps(_ o: PixelRect) -> Bool {
    x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height
  }
}

/// Places word labels next to their points so that no two labels overlap and no label covers
/// a point: each point, in priority order, tries eight positions around itself (right, left,
/// above, below, then the diagonals) and takes the first that is free; a label with no free
/// position is left out (the point is still drawn).
///
/// Occupied rectangles are bucketed in a uniform grid, so each test looks only at nearby
/// rectangles.
///
/// - Complexity: O(n · 8 · rectangles per neighbourhood), about O(n) for spread-out maps.
struct LabelPlacer {
  /// A placed label: the text's left baseline position and its box.
  struct Placement: Equatable {
    var index: Int
    var x: Double
    var baseline: Double
    var box: PixelRect
  }

  let bounds: PixelRect
  let cell: Double
  private var grid: [Int: [PixelRect]] = [:]

  init(bounds: PixelRect, cell: Double = 24) {
    self.bounds = bounds
    self.cell = cell
  }

  private func keys(_ r: PixelRect) -> [Int] {
    let x0 = Int(((r.x - bounds.x) / cell).rounded(.down))
    let x1 = Int(((r.x + r.width - bounds.x) / cell).rounded(.down))
    let y0 = Int(((r.y - bounds.y) / cell).rounded(.down))
    let y1 = Int(((r.y + r.height - bounds.y) / cell).rounded(.down))
    var out: [Int] = []
    for gy in y0...max(y0, y1) {
      for gx in x0...max(x0, x1) { out.append(gy &* 100_003 &+ gx) }
    }
    return out
  }

  /// Marks `r` as taken.
  mutating func occupy(_ r: PixelRect) {
    for k in keys(r) { grid[k, default: []].append(r) }
  }

  /// Whether `r` is inside the bounds and overlaps nothing taken.
  func isFree(_ r: PixelRect) -> Bool {
    guard r.x >= bounds.x, r.y >= bounds.y, r.x + r.width <= bounds.x + bounds.width,
      r.y + r.height <= bounds.y + bounds.height
    else { return false }
    for k in keys(r) {
      if let rects = grid[k], rects.contains(where: { $0.overlaps(r) }) { return false }
    }
    return true
  }

  /// Places labels of the given sizes beside points at `centres` (radius `radius`).
  ///
  /// Every point is an obstacle first; then labels go in `order` (default: index order).
  mutating func place(
    centres: [(x: Double, y: Double)], sizes: [(width: Double, height: Double)], radius: Double,
    order: [Int]? = nil
  ) -> [Placement] {
    for c in centres {
      occupy(PixelRect(x: c.x - radius, y: c.y - radius, width: 2 * radius, height: 2 * radius))
    }
    var out: [Placement] = []
    let gap = radius + 2
    for i in order ?? Array(centres.indices) {
      let c = centres[i]
      let w = sizes[i].width
      let h = sizes[i].height
      let candidates: [(Double, Double)] = [
        (c.x + gap, c.y - h / 2), (c.x - gap - w, c.y - h / 2),
        (c.x - w / 2, c.y - gap - h), (c.x - w / 2, c.y + gap),
        (c.x + gap * 0.7, c.y - gap * 0.7 - h), (c.x + gap * 0.7, c.y + gap * 0.7),
        (c.x - gap * 0.7 - w, c.y - gap * 0.7 - h), (c.x - gap * 0.7 - w, c.y + gap * 0.7),
      ]
      for (x, y) in candidates {
        let box = PixelRect(x: x, y: y, width: w, height: h)
        if isFree(box) {
          occupy(box)
          out.append(Placement(index: i, x: x, baseline: y + h * 0.8, box: box))
          break
        }
      }
    }
    return out
  }
}
