import EmbeddingCore
import Foundation

/// The per-thread state of HNSW searches: a generation-stamped visited array, the two heaps and
/// scratch for a neighbour list's ids and scores. Made once and reused, a search allocates nothing.
///
/// One searcher serves one search at a time; make one per thread (`HNSWGraph.makeSearcher()`).
public final class HNSWSearcher: @unchecked Sendable {
  /// visited[node] == mark when the node was seen in the current search.
  private let visited: UnsafeMutablePointer<UInt16>
  private let capacity: Int
  private var mark: UInt16 = 0
  var candidates = ScoreHeap(max: true, capacity: 256)
  var results = ScoreHeap(max: false, capacity: 256)
  private let ids: UnsafeMutablePointer<Int32>
  private let scores: UnsafeMutablePointer<Float>

  init(nodes: Int, maxLinks: Int) {
    capacity = max(nodes, 1)
    visited = .allocate(capacity: capacity)
    visited.initialize(repeating: 0, count: capacity)
    ids = .allocate(capacity: maxLinks + 1)
    scores = .allocate(capacity: maxLinks + 1)
  }

  deinit {
    visited.deallocate()
    ids.deallocate()
    scores.deallocate()
    candidates.deallocate()
    results.deallocate()
  }

  @inline(__always) private func newVisit() {
    mark &+= 1
    if mark == 0 {
      visited.update(repeating: 0, count: capacity)
      mark = 1
    }
  }

  /// Greedy walk on an upper layer: the best node reachable from `start`.
  func greedy(
    _ graph: HNSWGraph, _ q: UnsafePointer<Float>, start: Int32, score: Float, layer: Int,
    half: UnsafePointer<UInt16>? = nil, locks: NodeLocks? = nil
  ) -> (Int32, Float) {
    var current = start
    var best = score
    var changed = true
    let base = UnsafePointer(graph.vectors.baseAddress)
    let d = graph.vectors.columns
    while changed {
      changed = false
      var n = 0
      locks?.lock(current)
      if let row = graph.upperRow(current, layer: layer) {
        n = Int(row[0])
        for j in 0..<n { ids[j] = row[1 + j] }
      }
      locks?.unlock(current)
      if let half {
        DistanceKernels.dotGather(q, half: half, dimension: d, ids: ids, count: n, into: scores)
      } else {
        DistanceKernels.dotGather(q, base: base, dimension: d, ids: ids, count: n, into: scores)
      }
      for j in 0..<n where scores[j] > best {
        best = scores[j]
        current = ids[j]
        changed = true
      }
    }
    return (current, best)
  }

  /// Beam search on one layer from the entry points; leaves the `ef` best in `results` (a min-heap).
  /// With `half`, neighbours are scored on the float16 copy (half the bytes per row).
  ///
  /// ```
  /// q: [d] unit query; graph.vectors: [count × d]; layer 0 links: graph.level0 [count × (1 + m0)]
  /// ```
  func searchLayer(
    _ graph: HNSWGraph, _ q: UnsafePointer<Float>, entries: UnsafePointer<Int32>,
    entryScores: UnsafePointer<Float>, entryCount: Int, ef: Int, layer: Int,
    half: UnsafePointer<UInt16>? = nil, locks: NodeLocks? = nil
  ) {
    newVisit()
    // Local copies (the buffers are shared; written back at the end) avoid exclusivity checks
    // on the class's properties in the loop.
    var candidates = self.candidates
    var results = self.results
    let mark = self.mark
    let visited = self.visited
    let ids = self.ids
    let scores = self.scores
    defer {
      self.candidates = candidates
      self.results = results
    }
    candidates.removeAll()
    results.removeAll()
    for e in 0..<entryCount {
      let node = entries[e]
      visited[Int(node)] = mark
      candidates.push(entryScores[e], node)
      results.push(entryScores[e], node)
      if results.count > ef { results.pop() }
    }
    let base = UnsafePointer(graph.vectors.baseAddress)
    let d = graph.vectors.columns
    let rowBytes = d * (half == nil ? MemoryLayout<Float>.stride : MemoryLayout<UInt16>.stride)
    let rows = half.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(base)
    let links = graph.level0
    let stride = graph.m0 + 1
    while !candidates.isEmpty {
      let cScore = candidates.topScore
      let cNode = candidates.topNode
      if results.count >= ef && cScore < results.topScore { break }
      candidates.pop()
      if layer == 0 && !candidates.isEmpty {
        // The next candidate's link row (likely the next one expanded) loads while this one is scored.
        DistanceKernels.prefetch(
          UnsafeRawPointer(links), rowBytes: stride * 4, ids: candidates.nodes, count: 1)
      }
      var n = 0
      locks?.lock(cNode)
      if let list = graph.linkRow(cNode, layer: layer) {
        let count = Int(list[0])
        for j in 0..<count {
          let v = list[1 + j]
          if visited[Int(v)] != mark {
            visited[Int(v)] = mark
            ids[n] = v
            n += 1
          }
        }
      }
      locks?.unlock(cNode)
      if n == 0 { continue }
      DistanceKernels.prefetch(rows, rowBytes: rowBytes, ids: ids, count: min(n, 2))
      if let half {
        DistanceKernels.dotGather(q, half: half, dimension: d, ids: ids, count: n, into: scores)
      } else {
        DistanceKernels.dotGather(q, base: base, dimension: d, ids: ids, count: n, into: scores)
      }
      for j in 0..<n {
        let s = scores[j]
        if results.count < ef || s > results.topScore {
          candidates.push(s, ids[j])
          results.push(s, ids[j])
          if results.count > ef { results.pop() }
        }
      }
    }
  }

  /// The `k` nodes most similar to `query` (unit vector), best first, with beam `ef`.
  ///
  /// When the graph holds a float16 copy (`HNSWGraph.addHalfPrecisionCopy()`), the walk scores
  /// rows in float16 and the `ef` results are re-scored in float32 before the best `k` are taken,
  /// so returned scores are exact; set `halfPrecision` false to walk in float32 anyway.
  /// - Complexity: about O(log n · ef · m · dimension).
  public func search(
    _ graph: HNSWGraph, _ query: UnsafePointer<Float>, k: Int, ef: Int, halfPrecision: Bool = true
  ) -> [(node: Int32, score: Float)] {
    guard graph.entry >= 0, k > 0 else { return [] }
    let half = halfPrecision ? graph.halfVectors.map { UnsafePointer($0) } : nil
    let d = graph.vectors.columns
    var ep = graph.entry
    var epScore =
      half.map { DistanceKernels.dot(query, half: $0 + Int(ep) * d, d) }
      ?? VectorKernels.dot(query, graph.vectors.rowPointer(Int(ep)), d)
    if graph.maxLevel > 0 {
      for layer in stride(from: graph.maxLevel, to: 0, by: -1) {
        (ep, epScore) = greedy(graph, query, start: ep, score: epScore, layer: layer, half: half)
      }
    }
    let e = ep
    let s = epScore
    withUnsafePointer(to: e) { ep in
      withUnsafePointer(to: s) { sp in
        searchLayer(
          graph, query, entries: ep, entryScores: sp, entryCount: 1, ef: max(ef, k), layer: 0,
          half: half)
      }
    }
    if half != nil {
      // Exact float32 scores for the whole beam, then the best k.
      var exact = (0..<results.count).map { j -> (node: Int32, score: Float) in
        let node = results.nodes[j]
        return (node, VectorKernels.dot(query, graph.vectors.rowPointer(Int(node)), d))
      }
      exact.sort { $0.score > $1.score || ($0.score == $1.score && $0.node < $1.node) }
      return Array(exact.prefix(k))
    }
    while results.count > k { results.pop() }
    return results.sortedBestFirst().map { ($0.node, $0.score) }
  }
}
