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
    threads: Int = Parallelism.defaultThreads,
    progress: ProgressHandler? = nil
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
    let counter = AtomicCounter()
    let started = MonotonicClock.now()
    sqNorms.withUnsafeBufferPointer { norms in
      let norms = UnsafeSendable(norms)
      parallelFor(blocks, threads: threads) { b in
        let lo = b * queryBlock
        let hi = min(n, lo + queryBlock)
        let heaps = BoundedHeaps(count: hi - lo, k: k)
        var j0 = 0
        while j0 < n {
          let j1 = min(n, j0 + refBlock)
          var q = lo
          while q < hi {
            let p0 = rows.row(q)
            let p1 = rows.row(min(q + 1, hi - 1))
            let p2 = rows.row(min(q + 2, hi - 1))
            let p3 = rows.row(min(q + 3, hi - 1))
            let lanes = min(4, hi - q)
            for j in j0..<j1 {
              let d = rows.dot4(p0, p1, p2, p3, rows.row(j))
              let nj = norms.value[j]
              for l in 0..<lanes {
                let i = q + l
                let dist = cosine ? 1 - d[l] : max(0, norms.value[i] + nj - 2 * d[l])
                // Strict `<`: with j ascending, an equal distance keeps the lower index.
                if dist < heaps.worst[i - lo] && i != j { heaps.insert(i - lo, dist, Int32(j)) }
              }
            }
            q += 4
          }
          j0 = j1
        }
        for i in lo..<hi {
          heaps.writeSorted(i - lo, indices: outIdx.base + i * k, distances: outDist.base + i * k)
        }
        if let progress {
          let done = counter.add(hi - lo)
          progress(
            ProgressReport(
              stage: "nearest neighbours", completed: done, total: n, unit: "points",
              elapsed: MonotonicClock.now() - started))
        }
      }
    }
    return NeighbourLists(k: k, indices: outIdx.array(), distances: outDist.array())
  }
}

/// Bounded max-heaps, one per query row, in flat buffers.
///
/// Each keeps the `k` smallest (distance, index) pairs offered. `worst[r]` is +∞ until row r's heap is full, then its
/// largest kept distance, so callers skip most candidates with one comparison.
final class BoundedHeaps {
  let k: Int
  let dist: UnsafeMutablePointer<Float>
  let idx: UnsafeMutablePointer<Int32>
  let size: UnsafeMutablePointer<Int>
  let worst: UnsafeMutablePointer<Float>
  let count: Int

  init(count: Int, k: Int) {
    self.count = count
    self.k = k
    dist = .allocate(capacity: count * k)
    idx = .allocate(capacity: count * k)
    size = .allocate(capacity: count)
    size.initialize(repeating: 0, count: count)
    worst = .allocate(capacity: count)
    worst.initialize(repeating: .infinity, count: count)
  }

  deinit {
    dist.deallocate()
    idx.deallocate()
    size.deallocate()
    worst.deallocate()
  }

  @inline(__always) private func worse(
    _ d: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Int32>, _ a: Int, _ b: Int
  ) -> Bool {
    d[a] > d[b] || (d[a] == d[b] && x[a] > x[b])
  }

  @inline(__always) private func swapAt(
    _ d: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Int32>, _ a: Int, _ b: Int
  ) {
    let td = d[a]
    d[a] = d[b]
    d[b] = td
    let ti = x[a]
    x[a] = x[b]
    x[b] = ti
  }

  /// Offers (distance, index) to heap `r`.
  @inline(__always) func insert(_ r: Int, _ value: Float, _ j: Int32) {
    let d = dist + r * k
    let x = idx + r * k
    var c = size[r]
    if c < k {
      d[c] = value
      x[c] = j
      size[r] = c + 1
      while c > 0 {
        let p = (c - 1) / 2
        guard worse(d, x, c, p) else { break }
        swapAt(d, x, c, p)
        c = p
      }
      if size[r] == k { worst[r] = d[0] }
      return
    }
    d[0] = value
    x[0] = j
    var p = 0
    while true {
      let l = 2 * p + 1
      let rr = l + 1
      var m = p
      if l < k && worse(d, x, l, m) { m = l }
      if rr < k && worse(d, x, rr, m) { m = rr }
      if m == p { break }
      swapAt(d, x, p, m)
      p = m
    }
    worst[r] = d[0]
  }

  /// Writes heap `r`'s pairs nearest first.
  func writeSorted(
    _ r: Int, indices: UnsafeMutablePointer<Int32>, distances: UnsafeMutablePointer<Float>
  ) {
    let d = dist + r * k
    let x = idx + r * k
    let order = (0..<size[r]).sorted { d[$0] < d[$1] || (d[$0] == d[$1] && x[$0] < x[$1]) }
    for (o, s) in order.enumerated() {
      indices[o] = x[s]
      distances[o] = d[s]
    }
  }
}
