import EmbeddingCore
import Foundation

/// A hierarchical navigable small world graph (Malkov & Yashunin 2018) over unit vectors, scored by
/// inner product (cosine).
///
/// Layer 0 links each node to at most `2·m` neighbours in one flat array (`[count × (1 + 2m)]`, the
/// first slot of a row holding its length), upper layers to `m` in a second flat array (one row of
/// `1 + m` per node and layer above 0). A node's top layer is drawn as ⌊−ln(U)·mL⌋ with mL = 1/ln(m)
/// from a seeded generator, all of them when the graph is made, so a one-thread build is
/// reproducible. Neighbours are chosen by the paper's heuristic (a candidate is kept only if it is
/// closer to the new node than to every neighbour kept so far). Distances use `DistanceKernels`
/// (AVX2 with prefetch where the CPU has it); searches reuse an `HNSWSearcher` and allocate nothing
/// but their result. `build(threads:)` inserts on several threads with a lock per node (as hnswlib).
///
/// ```swift
/// let graph = HNSWGraph(vectors: matrix, m: 16, efConstruction: 200)
/// graph.build(threads: 2)
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
  /// Top layer of each node: [capacity].
  let levels: UnsafeMutablePointer<Int8>
  /// Upper-layer links: row (upperStart[node] + layer − 1) of [rows × (1 + m)] is (count, ids...).
  private(set) var upperLinks: UnsafeMutablePointer<Int32>
  private(set) var upperStart: [Int]
  var entry: Int32 = -1
  var maxLevel = -1
  private var inserted = 0
  /// The searcher used by a one-thread `build` and by `search(_:k:ef:)`.
  private lazy var ownSearcher = makeSearcher()

  /// Creates an empty graph over `vectors` (call `build()` or `insert` for each row).
  public init(vectors: Matrix, m: Int = 16, efConstruction: Int = 200, seed: UInt64 = 42) {
    self.vectors = vectors
    self.m = max(2, m)
    self.m0 = 2 * max(2, m)
    self.efConstruction = max(efConstruction, m)
    let capacity = max(1, vectors.rows)
    let slots = capacity * (m0 + 1)
    level0 = .allocate(capacity: slots)
    level0.initialize(repeating: 0, count: slots)
    levels = .allocate(capacity: capacity)
    levels.initialize(repeating: 0, count: capacity)
    var rng = SeededGenerator(seed: seed)
    let lnM = log(Double(self.m))
    for i in 0..<vectors.rows {
      let u = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
      levels[i] = Int8(min(30, Int(-log(u) / lnM)))
    }
    upperLinks = .allocate(capacity: 1)
    upperStart = []
    allocateUpperLinks()
  }

  deinit {
    level0.deallocate()
    levels.deallocate()
    upperLinks.deallocate()
    halfVectors?.deallocate()
  }

  /// (Re)makes the empty upper-layer rows for the current `levels`.
  func allocateUpperLinks() {
    var start = [Int](repeating: 0, count: vectors.rows + 1)
    for i in 0..<vectors.rows { start[i + 1] = start[i] + Int(levels[i]) }
    let slots = max(1, start[vectors.rows] * (m + 1))
    upperLinks.deallocate()
    upperLinks = .allocate(capacity: slots)
    upperLinks.initialize(repeating: 0, count: slots)
    upperStart = start
  }

  /// A float16 copy of the vectors ([count × dimension] bit patterns) that searches walk on, re-scoring
  /// their beam in float32; nil until `addHalfPrecisionCopy()`.
  private(set) var halfVectors: UnsafeMutablePointer<UInt16>?

  /// Makes the float16 copy searches walk on (2 bytes per value beside the float32 rows): a walk
  /// reads half the bytes per neighbour, and the final beam is re-scored in float32, so scores stay
  /// exact; the recall it gives is measured by `embed-bench hnsw --half`. Building never uses it.
  /// - Complexity: O(rows · dimension).
  public func addHalfPrecisionCopy() {
    guard halfVectors == nil else { return }
    let half = UnsafeMutablePointer<UInt16>.allocate(capacity: max(1, vectors.count))
    DistanceKernels.toHalf(vectors.baseAddress, into: half, vectors.count)
    halfVectors = half
  }

  /// Bytes of the float16 copy (0 without one).
  public var halfBytes: Int { halfVectors == nil ? 0 : vectors.count * 2 }

  /// Number of nodes inserted.
  public var count: Int { inserted }

  func markInserted(_ n: Int) { inserted = n }

  /// A new search state for this graph (one per thread searching at once).
  public func makeSearcher() -> HNSWSearcher {
    HNSWSearcher(nodes: vectors.rows, maxLinks: max(m0, 4 * m))
  }

  /// Inserts every row not yet inserted, in order on one thread (reproducible), or on `threads`
  /// threads (each takes every `threads`-th row; the graph then depends on the timing).
  /// - Complexity: about O(n · log n · efConstruction · m · dimension).
  public func build(threads: Int = 1, progress: ((Int) -> Void)? = nil) {
    let first = inserted
    let rows = vectors.rows
    if threads <= 1 || rows - first < 2 * threads {
      for i in first..<rows {
        insert(Int32(i), searcher: ownSearcher, locks: nil)
        inserted = i + 1
        if i % 10_000 == 9_999 { progress?(i + 1) }
      }
      return
    }
    if entry < 0 {
      insert(Int32(first), searcher: ownSearcher, locks: nil)
      inserted = first + 1
    }
    let start = inserted
    let locks = NodeLocks(count: rows)
    let workers = threads
    parallelFor(workers, threads: workers) { w in
      let searcher = self.makeSearcher()
      var i = start + w
      while i < rows {
        self.insert(Int32(i), searcher: searcher, locks: locks)
        i += workers
      }
    }
    inserted = rows
    progress?(rows)
  }

  @inline(__always) func score(_ q: UnsafePointer<Float>, _ node: Int32) -> Float {
    VectorKernels.dot(q, vectors.rowPointer(Int(node)), vectors.columns)
  }

  /// The row of `node`'s links on an upper layer (≥ 1), or nil above its top layer.
  @inline(__always) func upperRow(_ node: Int32, layer: Int) -> UnsafeMutablePointer<Int32>? {
    guard layer <= Int(levels[Int(node)]) else { return nil }
    return upperLinks + (upperStart[Int(node)] + layer - 1) * (m + 1)
  }

  /// The row of `node`'s links on `layer` (count first), or nil above its top layer.
  @inline(__always) func linkRow(_ node: Int32, layer: Int) -> UnsafeMutablePointer<Int32>? {
    layer == 0 ? level0 + Int(node) * (m0 + 1) : upperRow(node, layer: layer)
  }

  func neighbours(_ node: Int32, layer: Int) -> [Int32] {
    guard let row = linkRow(node, layer: layer) else { return [] }
    return Array(UnsafeBufferPointer(start: row + 1, count: Int(row[0])))
  }

  func setNeighbours(_ node: Int32, layer: Int, _ list: [Int32]) {
    guard let row = linkRow(node, layer: layer) else { return }
    let n = min(list.count, layer == 0 ? m0 : m)
    for j in 0..<n { row[1 + j] = list[j] }
    row[0] = Int32(n)
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

  /// Inserts row `node` (its level was drawn at init). With `locks` (a parallel build), every read
  /// or write of a link row holds that node's lock, and a node above the current top layer holds
  /// the graph lock for its whole insertion (as hnswlib).
  func insert(_ node: Int32, searcher: HNSWSearcher, locks: NodeLocks?) {
    let q = UnsafePointer(vectors.rowPointer(Int(node)))
    let level = Int(levels[Int(node)])
    locks?.lockGraph()
    var holdsGraph = locks != nil
    defer { if holdsGraph { locks?.unlockGraph() } }
    guard entry >= 0 else {
      entry = node
      maxLevel = level
      return
    }
    var ep = entry
    let top = maxLevel
    if level <= top && holdsGraph {
      locks?.unlockGraph()
      holdsGraph = false
    }
    var epScore = score(q, ep)
    if top > level {
      for layer in stride(from: top, to: level, by: -1) {
        (ep, epScore) = searcher.greedy(
          self, q, start: ep, score: epScore, layer: layer, locks: locks)
      }
    }
    var entries: [Int32] = [ep]
    var entryScores: [Float] = [epScore]
    for layer in stride(from: min(level, top), through: 0, by: -1) {
      searcher.searchLayer(
        self, q, entries: entries, entryScores: entryScores, entryCount: entries.count,
        ef: efConstruction, layer: layer, locks: locks)
      // (In a parallel build another thread may already have linked this node: never self.)
      let found = searcher.results.sortedBestFirst().filter { $0.node != node }
      let limit = layer == 0 ? m0 : m
      let chosen = selectNeighbours(found, limit: m)
      locks?.lock(node)
      setNeighbours(node, layer: layer, chosen)
      locks?.unlock(node)
      for n in chosen { link(n, to: node, layer: layer, limit: limit, locks: locks) }
      entries = found.map(\.node)
      entryScores = found.map(\.score)
    }
    if level > top {
      maxLevel = level
      entry = node
    }
  }

  /// Adds `node` to `n`'s links, pruning with the heuristic when the list is full.
  private func link(_ n: Int32, to node: Int32, layer: Int, limit: Int, locks: NodeLocks?) {
    locks?.lock(n)
    defer { locks?.unlock(n) }
    var list = neighbours(n, layer: layer)
    if list.contains(node) { return }
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
    max(1, vectors.rows) * (m0 + 1) * 4 + vectors.rows + (upperStart.last ?? 0) * (m + 1) * 4
  }
}

/// A mutex per node and one for the graph (entry point, top layer), for parallel builds.
final class NodeLocks: @unchecked Sendable {
  private let locks: UnsafeMutablePointer<pthread_mutex_t>
  private let count: Int
  private let graph: UnsafeMutablePointer<pthread_mutex_t>

  init(count: Int) {
    self.count = max(1, count)
    locks = .allocate(capacity: self.count)
    for i in 0..<self.count { pthread_mutex_init(locks + i, nil) }
    graph = .allocate(capacity: 1)
    pthread_mutex_init(graph, nil)
  }

  deinit {
    for i in 0..<count { pthread_mutex_destroy(locks + i) }
    locks.deallocate()
    pthread_mutex_destroy(graph)
    graph.deallocate()
  }

  @inline(__always) func lock(_ node: Int32) { pthread_mutex_lock(locks + Int(node)) }
  @inline(__always) func unlock(_ node: Int32) { pthread_mutex_unlock(locks + Int(node)) }
  func lockGraph() { pthread_mutex_lock(graph) }
  func unlockGraph() { pthread_mutex_unlock(graph) }
}
