/// The binary Huffman tree over the vocabulary that hierarchical softmax walks.
///
/// Frequent words get short codes. Word `w`'s path is `points[offsets[w]..<offsets[w+1]]`
/// (inner-node rows of the output matrix, root first) with the branch bits in `codes`.
///
/// - Complexity: O(V) to build from counts sorted by descending frequency.
struct HuffmanTree {
  /// Start of each word's path in `points`/`codes`; `V + 1` entries.
  let offsets: [Int32]
  /// Inner-node indices (0 ..< V-1) along each word's path, root first.
  let points: [Int32]
  /// Branch bits along each word's path (0 or 1).
  let codes: [UInt8]

  /// Builds the tree from counts sorted by descending frequency (word2vec's two-queue method).
  init(countsDescending counts: [Int]) {
    let v = counts.count
    guard v > 1 else {
      offsets = [Int32](repeating: 0, count: v + 1)
      points = []
      codes = []
      return
    }
    // Nodes 0..<v are leaves (counts), v..<2v-1 inner nodes.
    var count = [Int](repeating: Int.max, count: 2 * v - 1)
    for i in 0..<v { count[i] = counts[i] }
    var parent = [Int32](repeating: 0, count: 2 * v - 1)
    var bit = [UInt8](repeating: 0, count: 2 * v - 1)
    var leaf = v - 1  // next smallest unused leaf (counts descend)
    var inner = v  // next smallest unused inner node
    func takeSmallest() -> Int {
      // Inner nodes not built yet have count Int.max, so leaves win until then.
      if leaf >= 0 && count[leaf] < count[inner] {
        leaf -= 1
        return leaf + 1
      }
      inner += 1
      return inner - 1
    }
    for a in 0..<(v - 1) {
      let m1 = takeSmallest()
      let m2 = takeSmallest()
      count[v + a] = count[m1] + count[m2]
      parent[m1] = Int32(v + a)
      parent[m2] = Int32(v + a)
      bit[m2] = 1
    }
    let root = 2 * v - 2
    var offsets = [Int32](repeating: 0, count: v + 1)
    var points: [Int32] = []
    var codes: [UInt8] = []
    var pathPoints: [Int32] = []
    var pathCodes: [UInt8] = []
    for w in 0..<v {
      pathPoints.removeAll(keepingCapacity: true)
      pathCodes.removeAll(keepingCapacity: true)
      var node = w
      while node != root {
        pathCodes.append(bit[node])
        node = Int(parent[node])
        pathPoints.append(Int32(node - v))
      }
      points.append(contentsOf: pathPoints.reversed())
      codes.append(contentsOf: pathCodes.reversed())
      offsets[w + 1] = Int32(points.count)
    }
    self.offsets = offsets
    self.points = points
    self.codes = codes
  }

  /// Length of `word`'s code.
  func codeLength(_ word: Int) -> Int { Int(offsets[word + 1] - offsets[word]) }
}
