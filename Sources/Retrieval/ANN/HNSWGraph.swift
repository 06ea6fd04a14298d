import EmbeddingCore
import Foundation

/// A hierarchical navigable small world graph (Malkov & Yashunin 2018) over unit vectors, scored by
/// inner product (cosine).
///
/// Layer 0 links each node to at most `2·m` neighbours in one flat array (`[count × (1 + 2m)]`, the
/// first slot of a row holding its length), upper layers to `m`; a node's top layer is drawn as
/// ⌊−ln(U)·mL⌋ with mL = 1/ln(m) from a seeded generator, so a build is reproducible. Neighbours are
/// chosen by the paper's heuristic (a candidate is kept only if it is closer to the new node than to
/// every neighbour kept so far). Distances use `DistanceKernels` (AVX2 with prefetch where the CPU
/// has it); searches reuse an `HNSWSearcher` and allocate nothing but their result.
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
  /// Layer-0 links: [capacity × (1 + m0)] Int32; row i is (count, ids...).
  let level0: UnsafeMutablePointer<Int32>
  /// Upper-layer links: upper[node][layer - 1] = neighbour ids.
  var upper: [[[Int32]]]
  var levels: [Int8]
  var entry: Int32 = -1
  var maxLevel = -1
  private var inserted = 0
  private var rng: SeededGenerator
  /// The searcher used by `build` and by `search(_:k:ef:)`.
  private lazy var ownSearcher = makeSearcher()

  /// Creates an empty graph over `vectors` (call `build()` or `insert` for each row).
  public init(vectors: Matrix, m: Int = 16, efConstruction: Int = 200, seed: UInt64 = 42) {
    self.vectors = vectors
    self.m = max(2, m)
    self.m0 = 2 * max(2, m)
    self.efConstruction = max(efConstruction, m)
    let slots = max(1, vectors.rows) * (m0 + 1)
    level0 = .allocate(capacity: slots)
    level0.initialize(repeating: 0, count: slots)
    upper = [[[Int32]]](repeating: [], count: vectors.rows)
    levels = [Int8](repeating: 0, count: vectors.rows)
    rng = SeededGenerator(seed: seed)
  }

  deinit { level0.deallocate() }

  /// Number of nodes inserted.
  public var count: Int { inserted }

  func markInserted(_ n: Int) { inserted = n }

  /// A new search state for this graph (one per thread searching at once).
  public func makeSearcher() -> HNSWSearcher {
    HNSWSearcher(nodes: vectors.rows, maxLinks: max(m0, 4 * m))
  }

  /// Inserts every row in order (one thread).
  /// - Complexity: about O(n · log n · efConstruction · m · dimension).
  public func build(progress: ((Int) -> Void)? = nil) {
    for i in inserted..<vectors.rows {
      insert(Int32(i))
      if i % 10_000 == 9_999 { progress?(i + 1) }
    }
  }

  @inline(__always) func score(_ q: UnsafePointer<Float>, _ node: Int32) -> Float {
    DistanceKernels.dot(q, vectors.rowPointer(Int(node)), vectors.columns)
  }

  /// Calls `body` with the node's links on an upper layer (≥ 1).
  @inline(__always) @discardableResult
  func upperNeighbours<R>(_ node: Int32, layer: Int, _ body: ([Int32]) -> R) -> R {
    let layers = upper[Int(node)]
    return body(layer - 1 < layers.count ? layers[layer - 1] : [])
  }

  func neighbours(_ node: Int32, layer: Int) -> [Int32] {
    if layer == 0 {
      let row = level0 + Int(node) * (m0 + 1)
      return Array(UnsafeBufferPointer(start: row + 1, count: Int(row[0])))
    }
    return upperNeighbours(node, layer: layer) { $0 }
  }

  func setNeighbours(_ node: Int32, layer: Int, _ list: [Int32]) {
    if layer == 0 {
      let row = level0 + Int(node) * (m0 + 1)
      let n = min(list.count, m0)
      for j in 0..<n { row[1 + j] = list[j] }
      row[0] = Int32(n)
    } else {
      upper[Int(node)][layer - 1] = list
    }
  }

  /// The paper's neighbour-selection heuristic over candidates sorted best first.
  func selectNeighbours(_ candidates: [(score: Float, node: Int32)], limit: Int) -> [Int32] {
    var kept: [Int32] = []
    kept.reserveCapacity(limit)
    for c in candidates {
      if kept.count >= limit { break }
      let p = UnsafePointer(vectors.rowPointer(Int(c.node)))
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
    let searcher = ownSearcher
    var ep = entry
    var epScore = score(q, ep)
    if maxLevel > level {
      for layer in stride(from: maxLevel, to: level, by: -1) {
        (ep, epScore) = searcher.greedy(self, q, start: ep, score: epScore, layer: layer)
      }
    }
    var entries: [Int32] = [ep]
    var entryScores: [Float] = [epScore]
    for layer in stride(from: min(level, maxLevel), through: 0, by: -1) {
      searcher.searchLayer(
        self, q, entries: entries, entryScores: entryScores, entryCount: entries.count,
        ef: efConstruction, layer: layer)
      let found = searcher.results.sortedBestFirst()
      let limit = layer == 0 ? m0 : m
      let chosen = selectNeighbours(found, limit: m)
      setNeighbours(node, layer: layer, chosen)
      for n in chosen { link(n, to: node, layer: layer, limit: limit) }
      entries = found.map(\.node)
      entryScores = found.map(\.score)
    }
    if level > maxLevel {
      maxLevel = level
      entry = node
    }
  }

  /// Adds `node` to `n`'s links, pruning with the heuristic when the list is full.
  private func link(_ n: Int32, to node: Int32, layer: Int, limit: Int) {
    var list = neighbours(n, layer: layer)
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
  /// Not thread-safe (it uses the graph's own searcher): for concurrent searches give each thread
  /// a searcher from `makeSearcher()`.
  /// - Complexity: about O(log n · ef · m · dimension).
  public func search(_ query: UnsafePointer<Float>, k: Int, ef: Int) -> [(
    node: Int32, score: Float
  )] {
    ownSearcher.search(self, query, k: k, ef: ef)
  }

  /// Bytes held by the links (not the vectors).
  public var linkBytes: Int {
    max(1, vectors.rows) * (m0 + 1) * 4 + levels.count
      + upper.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 4 } }
  }
}
