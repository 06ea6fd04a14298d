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
  func greedy(_ graph: HNSWGraph, _ q: UnsafePointer<Float>, start: Int32, score: Float, layer: Int)
    -> (Int32, Float)
  {
    var current = start
    var best = score
    var changed = true
    let base = UnsafePointer(graph.vectors.baseAddress)
    let d = graph.vectors.columns
    while changed {
      changed = false
      let n = graph.upperNeighbours(current, layer: layer) { list in
        for (j, v) in list.enumerated() { ids[j] = v }
        return list.count
      }
      DistanceKernels.dotGather(q, base: base, dimension: d, ids: ids, count: n, into: scores)
      for j in 0..<n where scores[j] > best {
        best = scores[j]
        current = ids[j]
        changed = true
      }
    }
    return (current, best)
  }

  /// Beam search on one layer from the entry points; leaves the `ef` best in `results` (a min-heap).
  ///
  /// ```
  /// q: [d] unit query; graph.vectors: [count × d]; layer 0 links: graph.level0 [count × (1 + m0)]
  /// ```
  func searchLayer(
    _ graph: HNSWGraph, _ q: UnsafePointer<Float>, entries: UnsafePointer<Int32>,
    entryScores: UnsafePointer<Float>, entryCount: Int, ef: Int, layer: Int
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
    let rowBytes = d * MemoryLayout<Float>.stride
    let links = graph.level0
    let stride = graph.m0 + 1
    while !candidates.isEmpty {
      let cScore = candidates.topScore
      let cNode = candidates.topNode
      if results.count >= ef && cScore < results.topScore { break }
      candidates.pop()
      var n = 0
      if layer == 0 {
        let list = links + Int(cNode) * stride
        let count = Int(list[0])
        for j in 0..<count {
          let v = list[1 + j]
          if visited[Int(v)] != mark {
            visited[Int(v)] = mark
            ids[n] = v
            n += 1
          }
        }
      } else {
        graph.upperNeighbours(cNode, layer: layer) { list in
          for v in list where visited[Int(v)] != mark {
            visited[Int(v)] = mark
            ids[n] = v
            n += 1
          }
        }
      }
      if n == 0 { continue }
      DistanceKernels.prefetch(base, rowBytes: rowBytes, ids: ids, count: min(n, 2))
      DistanceKernels.dotGather(q, base: base, dimension: d, ids: ids, count: n, into: scores)
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
  /// - Complexity: about O(log n · ef · m · dimension).
  public func search(_ graph: HNSWGraph, _ query: UnsafePointer<Float>, k: Int, ef: Int) -> [(
    node: Int32, score: Float
  )] {
    guard graph.entry >= 0, k > 0 else { return [] }
    var ep = graph.entry
    var epScore = DistanceKernels.dot(
      query, graph.vectors.rowPointer(Int(ep)), graph.vectors.columns)
    if graph.maxLevel > 0 {
      for layer in stride(from: graph.maxLevel, to: 0, by: -1) {
        (ep, epScore) = greedy(graph, query, start: ep, score: epScore, layer: layer)
      }
    }
    let e = ep
    let s = epScore
    withUnsafePointer(to: e) { ep in
      withUnsafePointer(to: s) { sp in
        searchLayer(
          graph, query, entries: ep, entryScores: sp, entryCount: 1, ef: max(ef, k), layer: 0)
      }
    }
    while results.count > k { results.pop() }
    return results.sortedBestFirst().map { ($0.node, $0.score) }
  }
}
