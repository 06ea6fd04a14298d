import EmbeddingCore
import Foundation

/// The k nearest neighbours of every row of a matrix, found exactly (every pair compared).
///
/// Row `i`'s neighbours are `indices[i*k ..< (i+1)*k]`, nearest first, with their distances in
/// the same positions of `distances`. A row is never its own neighbour.
///
/// ```swift
/// let knn = NeighbourLists.exact(points: m, k: 10, metric: .cosine)
/// knn.neighbours(of: 0)  // [(index, distance)] nearest first
/// ```
public struct NeighbourLists: Sendable {
  /// How distances are measured.
  public enum Metric: String, Sendable, CaseIterable {
    /// Squared Euclidean distance.
    case squaredEuclidean
    /// Cosine distance, 1 − cos(a, b).
    case cosine
  }

  /// Number of neighbours per row.
  public let k: Int
  /// Neighbour row indices, `k` per row, nearest first.
  public let indices: [Int32]
  /// Distances matching `indices`.
  public let distances: [Float]

  /// Number of rows.
  public var count: Int { k == 0 ? 0 : indices.count / k }

  /// Row `i`'s neighbours, nearest first.
  public func neighbours(of i: Int) -> [(index: Int, distance: Float)] {
    (0..<k).map { (Int(indices[i * k + $0]), distances[i * k + $0]) }
  }

  /// Finds the `k` nearest neighbours of every row by comparing all pairs.
  ///
  /// A blocked kernel computes four dot products per pass over a reference row (`SIMD8<Float>`),
  /// over blocks of 64 query rows × 256 reference rows so both stay in cache; query blocks run
  /// in parallel on `threads` threads. Ties are broken by the lower row index.
  ///
  /// - Parameter k: clamped to `rows − 1`.
  /// - Complexity: O(n² · d) time, O(n · k) memory.
  public static func exact(
    points: Matrix, k requested: Int, metric: Metric = .squaredEuclidean,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount
  ) -> NeighbourLists {
    let n = points.rows
    let k = max(0, min(requested, n - 1))
    guard k > 0 else { return NeighbourLists(k: 0, indices: [], distances: []) }
    let rows = PaddedRows(points, normalize: metric == .cosine)
    var sqNorms = [Float](repeating: 0, count: n)
    for i in 0..<n { sqNorms[i] = rows.dot(rows.row(i), rows.row(i)) }
    let queryBlock = 64
    let refBlock = 256
    let blocks = (n + queryBlock - 1) / queryBlock
    let outIdx = SharedBuffer<Int32>(count: n * k, value: 0)
    let outDist = SharedBuffer<Float>(count: n * k, value: 0)
    let cosine = metric == .cosine
    sqNorms.withUnsafeBufferPointer { norms in
      let norms = UnsafeSendable(norms)
      parallelFor(blocks, threads: threads) { b in
        let lo = b * queryBlock
        let hi = min(n, lo + queryBlock)
        var heaps = (lo..<hi).map { _ in TopK(k: k) }
        var j0 = 0
        while j0 < n {
          let j1 = min(n, j0 + refBlock)
          var q = lo
          while q < hi {
            let q0 = q
            let q1 = min(q + 1, hi - 1)
            let q2 = min(q + 2, hi - 1)
            let q3 = min(q + 3, hi - 1)
            let p0 = rows.row(q0)
            let p1 = rows.row(q1)
            let p2 = rows.row(q2)
            let p3 = rows.row(q3)
            let lanes = min(4, hi - q)
            for j in j0..<j1 {
              let d = rows.dot4(p0, p1, p2, p3, rows.row(j))
              let nj = norms.value[j]
              for l in 0..<lanes {
                let i = q + l
                if i == j { continue }
                let dist = cosine ? 1 - d[l] : max(0, norms.value[i] + nj - 2 * d[l])
                heaps[i - lo].offer(dist, Int32(j))
              }
            }
            q += 4
          }
          j0 = j1
        }
        for i in lo..<hi {
          heaps[i - lo].writeSorted(
            indices: outIdx.base + i * k, distances: outDist.base + i * k)
        }
      }
    }
    return NeighbourLists(k: k, indices: outIdx.array(), distances: outDist.array())
  }
}

/// A bounded max-heap keeping the `k` smallest (distance, index) pairs seen.
struct TopK {
  let k: Int
  private var dist: [Float] = []
  private var idx: [Int32] = []

  init(k: Int) {
    self.k = k
    dist.reserveCapacity(k)
    idx.reserveCapacity(k)
  }

  @inline(__always) private func worse(_ a: Int, _ b: Int) -> Bool {
    dist[a] > dist[b] || (dist[a] == dist[b] && idx[a] > idx[b])
  }

  @inline(__always) mutating func offer(_ d: Float, _ j: Int32) {
    if dist.count < k {
      dist.append(d)
      idx.append(j)
      var c = dist.count - 1
      while c > 0 {
        let p = (c - 1) / 2
        guard worse(c, p) else { break }
        dist.swapAt(c, p)
        idx.swapAt(c, p)
        c = p
      }
      return
    }
    if d > dist[0] || (d == dist[0] && j > idx[0]) { return }
    dist[0] = d
    idx[0] = j
    var p = 0
    while true {
      let l = 2 * p + 1
      let r = l + 1
      var m = p
      if l < k && worse(l, m) { m = l }
      if r < k && worse(r, m) { m = r }
      if m == p { break }
      dist.swapAt(p, m)
      idx.swapAt(p, m)
      p = m
    }
  }

  /// Writes the kept pairs nearest first.
  func writeSorted(indices: UnsafeMutablePointer<Int32>, distances: UnsafeMutablePointer<Float>) {
    let order = (0..<dist.count).sorted { dist[$0] < dist[$1] || (dist[$0] == dist[$1] && idx[$0] < idx[$1]) }
    for (o, s) in order.enumerated() {
      indices[o] = idx[s]
      distances[o] = dist[s]
    }
  }
}
