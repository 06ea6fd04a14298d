import EmbeddingCore
import Foundation

extension HNSWGraph {
  /// File magic of a serialised graph ("EKHNSW" + version 1).
  static let magic: [UInt8] = Array("EKHNSW\u{0}\u{1}".utf8)

  /// The links as bytes (the vectors are not included; they stay in the index's chunks table).
  ///
  /// ```
  /// magic[8] m efConstruction count dimension entry maxLevel   (Int32 LE each)
  /// levels[count] (Int8) level0Count[count] (UInt8) level0[count × 2m] (Int32)
  /// for each node with level > 0, for each layer 1...level: n (Int32), ids[n] (Int32)
  /// ```
  public func serialized() -> Data {
    var out = Data(Self.magic)
    func put(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    for v in [m, efConstruction, count, vectors.columns, Int(entry), maxLevel] { put(Int32(v)) }
    levels.withUnsafeBytes { out.append(contentsOf: $0.prefix(count)) }
    let stride = m0 + 1
    out.append(contentsOf: (0..<count).map { UInt8(level0[$0 * stride]) })
    var links = [Int32](repeating: Int32(-1).littleEndian, count: count * m0)
    for node in 0..<count {
      let row = level0 + node * stride
      for j in 0..<Int(row[0]) { links[node * m0 + j] = row[1 + j].littleEndian }
    }
    links.withUnsafeBytes { out.append(contentsOf: $0) }
    for node in 0..<count where levels[node] > 0 {
      for layer in upper[node] {
        put(Int32(layer.count))
        for id in layer { put(id) }
      }
    }
    return out
  }

  /// Restores a graph over `vectors` from `serialized()` bytes; nil if they do not fit the vectors.
  public static func deserialize(_ data: Data, vectors: Matrix) -> HNSWGraph? {
    let bytes = [UInt8](data)
    var offset = magic.count
    guard bytes.count >= offset + 24, Array(bytes[0..<offset]) == magic else { return nil }
    func int() -> Int? {
      guard offset + 4 <= bytes.count else { return nil }
      var v: UInt32 = 0
      for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * i) }
      offset += 4
      return Int(Int32(bitPattern: v))
    }
    guard let m = int(), let efc = int(), let count = int(), let dim = int(), let entry = int(),
      let maxLevel = int(), count == vectors.rows, dim == vectors.columns, m >= 2
    else { return nil }
    let graph = HNSWGraph(vectors: vectors, m: m, efConstruction: efc)
    let m0 = graph.m0
    guard offset + count * 2 + count * m0 * 4 <= bytes.count else { return nil }
    for i in 0..<count { graph.levels[i] = Int8(bitPattern: bytes[offset + i]) }
    offset += count
    let stride = m0 + 1
    for i in 0..<count {
      guard Int(bytes[offset + i]) <= m0 else { return nil }
      graph.level0[i * stride] = Int32(bytes[offset + i])
    }
    offset += count
    for i in 0..<count {
      let n = Int(graph.level0[i * stride])
      for j in 0..<m0 {
        guard let v = int(), v >= -1, v < count else { return nil }
        if j < n {
          guard v >= 0 else { return nil }
          graph.level0[i * stride + 1 + j] = Int32(v)
        }
      }
    }
    for node in 0..<count where graph.levels[node] > 0 {
      var layers: [[Int32]] = []
      for _ in 0..<Int(graph.levels[node]) {
        guard let n = int(), n >= 0, n <= m * 4 else { return nil }
        var ids: [Int32] = []
        for _ in 0..<n {
          guard let v = int(), v >= 0, v < count else { return nil }
          ids.append(Int32(v))
        }
        layers.append(ids)
      }
      graph.upper[node] = layers
    }
    graph.entry = Int32(entry)
    graph.maxLevel = maxLevel
    graph.markInserted(count)
    return graph
  }
}
