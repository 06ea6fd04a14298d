/// A quadtree over 2-D points for Barnes–Hut force approximation.
///
/// Nodes live in one flat array; a node's four children are consecutive, `firstChild` is −1 for
/// a leaf. A leaf holds one point, or several coincident points. After `build`, `centreX/Y`
/// hold each cell's centre of mass and `count` its number of points.
struct QuadTree {
  struct Node {
    var centreX = 0.0  // centre of mass (sums while building)
    var centreY = 0.0
    var count = 0.0
    var cellX = 0.0  // geometric centre of the cell
    var cellY = 0.0
    var half = 0.0  // half the cell's side
    var firstChild: Int32 = -1
    var point: Int32 = -1
  }

  var nodes: [Node] = []
  private let maxDepth = 48

  /// Builds the tree over `y` (interleaved x, y; `n` points).
  ///
  /// - Complexity: O(n log n) for spread-out points.
  init(_ y: UnsafePointer<Double>, n: Int) {
    var minX = Double.infinity
    var maxX = -Double.infinity
    var minY = Double.infinity
    var maxY = -Double.infinity
    for i in 0..<n {
      minX = min(minX, y[2 * i])
      maxX = max(maxX, y[2 * i])
      minY = min(minY, y[2 * i + 1])
      maxY = max(maxY, y[2 * i + 1])
    }
    let half = max(maxX - minX, maxY - minY) / 2 * (1 + 1e-9) + 1e-12
    nodes.reserveCapacity(4 * n)
    nodes.append(Node(cellX: (minX + maxX) / 2, cellY: (minY + maxY) / 2, half: half))
    for i in 0..<n { insert(Int32(i), y[2 * i], y[2 * i + 1]) }
    for i in nodes.indices where nodes[i].count > 0 {
      nodes[i].centreX /= nodes[i].count
      nodes[i].centreY /= nodes[i].count
    }
  }

  private mutating func insert(_ p: Int32, _ x: Double, _ y: Double) {
    var node = 0
    var depth = 0
    while true {
      if nodes[node].firstChild < 0 {
        if nodes[node].count == 0 {
          nodes[node].point = p
          nodes[node].count = 1
          nodes[node].centreX = x
          nodes[node].centreY = y
          return
        }
        let c = nodes[node].count
        let same = nodes[node].centreX == x * c && nodes[node].centreY == y * c
        if same || depth >= maxDepth {
          nodes[node].count += 1
          nodes[node].centreX += x
          nodes[node].centreY += y
          return
        }
        split(node)
      }
      nodes[node].count += 1
      nodes[node].centreX += x
      nodes[node].centreY += y
      node = Int(nodes[node].firstChild) + quadrant(node, x, y)
      depth += 1
    }
  }

  @inline(__always) private func quadrant(_ node: Int, _ x: Double, _ y: Double) -> Int {
    (x >= nodes[node].cellX ? 1 : 0) + (y >= nodes[node].cellY ? 2 : 0)
  }

  /// Turns a leaf into an internal node, moving its point(s) to the right child.
  private mutating func split(_ node: Int) {
    let first = nodes.count
    let h = nodes[node].half / 2
    let cx = nodes[node].cellX
    let cy = nodes[node].cellY
    for q in 0..<4 {
      nodes.append(
        Node(cellX: cx + (q & 1 == 1 ? h : -h), cellY: cy + (q & 2 == 2 ? h : -h), half: h))
    }
    nodes[node].firstChild = Int32(first)
    let c = nodes[node].count
    let px = nodes[node].centreX / c
    let py = nodes[node].centreY / c
    let child = first + quadrant(node, px, py)
    nodes[child].count = c
    nodes[child].centreX = nodes[node].centreX
    nodes[child].centreY = nodes[node].centreY
    nodes[child].point = nodes[node].point
    nodes[node].point = -1
  }
}
