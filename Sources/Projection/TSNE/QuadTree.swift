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

  /// What the force pass reads per node, packed in 20 bytes for cache efficiency.
  struct CompactNode {
    var centreX: Float
    var centreY: Float
    var count: Float
    var side2: Float  // squared side length of the cell
    var firstChild: Int32
  }

  var nodes: [Node] = []
  private let maxDepth = 48

  /// The nodes packed for the force pass.
  func compact() -> [CompactNode] {
    nodes.map {
      CompactNode(
        centreX: Float($0.centreX), centreY: Float($0.centreY), count: Float($0.count),
        side2: Float(4 * $0.half * $0.half), firstChild: $0.firstChild)
    }
  }

  /// Point indices in depth-first leaf order: points near each other come out together, so
  /// processing them in this order keeps the same tree cells in cache.
  func leafOrder(count n: Int) -> [Int32] {
    var out: [Int32] = []
    out.reserveCapacity(n)
    var seen = [Bool](repeating: false, count: n)
    var stack: [Int32] = [0]
    while let node = stack.popLast() {
      let nd = nodes[Int(node)]
      if nd.firstChild >= 0 {
        for q in (0..<4).reversed() { stack.append(nd.firstChild + Int32(q)) }
      } else if nd.point >= 0 && !seen[Int(nd.point)] {
        seen[Int(nd.point)] = true
        out.append(nd.point)
      }
    }
    // Coincident points share a leaf that records only one of them.
    for i in 0..<n where !seen[i] { out.append(Int32(i)) }
    return out
  }

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
