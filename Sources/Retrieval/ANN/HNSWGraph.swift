import EmbeddingCore
import Foundation

/// A hierarchical navigable small world graph (Malkov & Yashunin 2018) over unit vectors, scored by
/// inner product (cosine).
///
/// Layer 0 links each node to at most `2·m` neighbours, upper layers to `m`; a node's top layer is
/// drawn as ⌊−ln(U)·mL⌋ with mL = 1/ln(m) from a seeded generator, so a build is reproducible.
/// Neighbours are chosen by the paper's heuristic (a candidate is kept only if it is closer to the
/// new node than to every neighbour kept so far).
///
/// ```swift
/// let graph = HNSWGraph(vectors: matrix, m: 16, efConstruction: 200)
/// graph.build()
/// let top = graph.search(query, k: 10, ef: 64)   // [(node, score)]
/// ```
public final class HNSWGraph: @unchecked Sendable {
  /// The vectors: [count × dimension] unit rows (not copied; keep the matrix alive and unchanged).
  public let vectors: Matrix
  /// Links per node on upper layers (layer 0 has 2·m).
  public let m: Int
  /// Candidate list size while building.
  public let efConstruction: Int

  let m0: Int
  /// Layer-0 links: [count × m0] node ids, `level0Count[i]` valid.
  var level0: [Int32]
  var level0Count: [UInt8]
  /// Upper-layer links: upper[node][layer - 1] = neighbour ids.
  var upper: [[[Int32]]]
  var levels: [Int8]
  var entry: Int32 = -1
  var maxLevel = -1
  private var inserted = 0
  private var visited: [UInt32]
  private var visitMark: UInt32 = 0
  private var rng: SeededGenerator

  /// Creates an empty graph over `vectors` (call `build()` or `insert` for each row).
  public init(vectors: Matrix, m: Int = 16, efConstruction: Int = 200, seed: UInt64 = 42) {
    self.vectors = vectors
    self.m = max(2, m)
    self.m0 = 2 * max(2, m)
    self.efConstruction = max(efConstruction, m)
    level0 = [Int32](repeating: -1, count: vectors.rows * 2 * max(2, m))
    level0Count = [UInt8](repeating: 0, count: vectors.rows)
    upper = [[[Int32]]](repeating: [], count: vectors.rows)
    levels = [Int8](repeating: 0, count: vectors.rows)
    visited = [UInt32](repeating: 0, count: vectors.rows)
    rng = SeededGenerator(seed: seed)
  }

  /// Number of nodes inserted.
  public var count: Int { inserted }

  func markInserted(_ n: Int) { inserted = n }

  /// Inserts every row in order.
  /// - Complexity: about O(n · log n · efConstruction · m · dimension).
  public func build(progress: ((Int) -> Void)? = nil) {
    for i in inserted..<vectors.rows {
      insert(Int32(i))
      if i % 10_000 == 9_999 { progress?(i + 1) }
    }
  }

  @inline(__always) func score(_ q: UnsafePointer<Float>, _ node: Int32) -> Float {
    VectorKernels.dot(q, vectors.rowPointer(Int(node)), vectors.columns)
  }

  @inline(__always) private func newVisit() {
    visitMark &+= 1
    if visitMark == 0 {
      for i in visited.indices { visited[i] = 0 }
      visitMark = 1
    }
  }

  func neighbours(_ node: Int32, layer: Int) -> ArraySlice<Int32> {
    if layer == 0 {
      let base = Int(node) * m0
      return level0[base..<base + Int(level0Count[Int(node)])]
    }
    return upper[Int(node)][layer - 1][...]
  }

  func setNeighbours(_ node: Int32, layer: Int, _ list: [Int32]) {
    if layer == 0 {
      let base = Int(node) * m0
      for (j, v) in list.prefix(m0).enumerated() { level0[base + j] = v }
      level0Count[Int(node)] = UInt8(min(list.count, m0))
    } else {
      upper[Int(node)][layer - 1] = list
    }
  }

  /// Greedy walk on one layer: the best node reachable from `start`.
  func greedy(_ q: UnsafePointer<Float>, start: Int32, layer: Int) -> (Int32, Float) {
    var current = start
    var best = score(q, start)
    var changed = true
    while changed {
      changed = false
      for n in neighbours(current, layer: layer) {
        let s = score(q, n)
        if s > best {
          best = s
          current = n
          changed = true
        }
      }
    }
    return (current, best)
  }

  /// Beam search on one layer: the `ef` best nodes found from `entries`, best first.
  func searchLayer(
    _ q: UnsafePointer<Float>, entries: [(Int32, Float)], ef: Int, layer: Int
  ) -> [(score: Float, node: Int32)] {
    newVisit()
    var candidates = ScoreHeap(max: true, capacity: ef * 2)
    var results = ScoreHeap(max: false, capacity: ef + 1)
    for (node, s) in entries {
      visited[Int(node)] = visitMark
      candidates.push(s, node)
      results.push(s, node)
      if results.count > ef { results.pop() }
    }
    while let c = candidates.pop() {
      if let worst = results.top, results.count >= ef, c.score < worst.score { break }
      for n in neighbours(c.node, layer: layer) where visited[Int(n)] != visitMark {
        visited[Int(n)] = visitMark
        let s = score(q, n)
        if results.count < ef || s > (results.top?.score ?? -.infinity) {
          candidates.push(s, n)
          results.push(s, n)
          if results.count > ef { results.pop() }
        }
      }
    }
    return results.items.sorted { $0.score > $1.score }
  }

  /// The paper's neighbour-selection heuristic over candidates sorted best first.
  func selectNeighbours(_ candidates: [(score: Float, node: Int32)], limit: Int) -> [Int32] {
    var kept: [Int32] = []
    kept.reserveCapacity(limit)
    for c in candidates {
      if kept.count >= limit { break }
      let p = vectors.rowPointer(Int(c.node))
      var good = true
      for k in kept where score(p, k) > c.score {
        good = false
        break
      }
      if good { kept.append(c.node) }
    }
    return kept
  }

  /// Inserts row `node`.
  func insert(_ node: Int32) {
    let q = UnsafePointer(vectors.rowPointer(Int(node)))
    let level = min(
      30,
      Int(-log(Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)) / log(Double(m))))
    levels[Int(node)] = Int8(level)
    if level > 0 { upper[Int(node)] = [[Int32]](repeating: [], count: level) }
    inserted += 1
    guard entry >= 0 else {
      entry = node
      maxLevel = level
      return
    }
    var ep = entry
    var epScore = score(q, ep)
    if maxLevel > level {
      for layer in stride(from: maxLevel, to: level, by: -1) {
        (ep, epScore) = greedy(q, start: ep, layer: layer)
      }
    }
    var entries = [(ep, epScore)]
    for layer in stride(from: min(level, maxLevel), through: 0, by: -1) {
      let found = searchLayer(q, entries: entries, ef: efConstruction, layer: layer)
      let limit = layer == 0 ? m0 : m
      let chosen = selectNeighbours(found, limit: m)
      setNeighbours(node, layer: layer, chosen)
      for n in chosen { link(n, to: node, layer: layer, limit: limit) }
      entries = found.map { ($0.node, $0.score) }
    }
    if level > maxLevel {
      maxLevel = level
      entry = node
    }
  }

  /// Adds `node` to `n`'s links, pruning with the heuristic when the list is full.
  private func link(_ n: Int32, to node: Int32, layer: Int, limit: Int) {
    var list = Array(neighbours(n, layer: layer))
    if list.count < limit {
      list.append(node)
      setNeighbours(n, layer: layer, list)
      return
    }
    let p = UnsafePointer(vectors.rowPointer(Int(n)))
    var scored = list.map { (score: score(p, $0), node: $0) }
    scored.append((score(p, node), node))
    scored.sort { $0.score > $1.score }
    setNeighbours(n, layer: layer, selectNeighbours(scored, limit: limit))
  }

  /// The `k` nodes most similar to `query` (unit vector), best first, searching with beam `ef`.
  /// Not thread-safe: one search at a time per graph.
  /// - Complexity: about O(log n · ef · m · dimension).
  public func search(_ query: UnsafePointer<Float>, k: Int, ef: Int) -> [(
    node: Int32, score: Float
  )] {
    guard entry >= 0 else { return [] }
    var ep = entry
    var epScore = score(query, ep)
    if maxLevel > 0 {
      for layer in stride(from: maxLevel, to: 0, by: -1) {
        (ep, epScore) = greedy(query, start: ep, layer: layer)
      }
    }
    let found = searchLayer(query, entries: [(ep, epScore)], ef: max(ef, k), layer: 0)
    return found.prefix(k).map { ($0.node, $0.score) }
  }

  /// Bytes held by the links (not the vectors).
  public var linkBytes: Int {
    level0.count * 4 + level0Count.count
      + upper.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 4 } }
  }
}
