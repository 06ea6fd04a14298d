import EmbeddingCore
import Foundation

/// Read-only lookup tables every worker shares: sub-sampling thresholds, the negative-sampling
/// alias table, the Huffman paths and the sigmoid/loss tables, as raw pointers so the training
/// loop does no bounds checks or reference counting.
///
/// `@unchecked Sendable`: the tables are written once in `init` and only read afterwards.
package final class TrainingTables: @unchecked Sendable {
  let vocabularySize: Int
  /// Keep word w if a uniform 32-bit draw is <= keepThreshold[w] (UInt32.max = always keep).
  package let keepThreshold: UnsafeMutablePointer<UInt32>
  let noiseThreshold: UnsafeMutablePointer<UInt32>
  let noiseAlias: UnsafeMutablePointer<Int32>
  let pathOffsets: UnsafeMutablePointer<Int32>
  let pathPoints: UnsafeMutablePointer<Int32>
  let pathCodes: UnsafeMutablePointer<Float>
  let maxCodeLength: Int
  let sigmoid: UnsafeMutablePointer<Float>
  let negLogSigmoid: UnsafeMutablePointer<Float>

  private static func copy<T>(_ a: [T]) -> UnsafeMutablePointer<T> {
    let p = UnsafeMutablePointer<T>.allocate(capacity: max(a.count, 1))
    a.withUnsafeBufferPointer { b in
      if let base = b.baseAddress { p.initialize(from: base, count: a.count) }
    }
    return p
  }

  package init(counts: [Int], sample: Double, hierarchical: Bool) {
    vocabularySize = counts.count
    let total = Double(counts.reduce(0, +))
    keepThreshold = Self.copy(
      counts.map { c -> UInt32 in
        guard sample > 0 else { return .max }
        // word2vec.c: p(keep) = (sqrt(f / (s·T)) + 1) · (s·T) / f.
        let threshold = sample * total
        let p = ((Double(c) / threshold).squareRoot() + 1) * threshold / Double(c)
        return p >= 1 ? .max : UInt32(p * 4_294_967_295.0)
      })
    let noise = NoiseSampler(counts: counts)
    noiseThreshold = Self.copy(noise.threshold)
    noiseAlias = Self.copy(noise.alias)
    if hierarchical {
      let tree = HuffmanTree(countsDescending: counts)
      pathOffsets = Self.copy(tree.offsets)
      pathPoints = Self.copy(tree.points)
      pathCodes = Self.copy(tree.codes.map { Float(1 - Int($0)) })  // the label: 1 - code
      maxCodeLength = (0..<counts.count).map { tree.codeLength($0) }.max() ?? 0
    } else {
      pathOffsets = Self.copy([Int32](repeating: 0, count: counts.count + 1))
      pathPoints = Self.copy([Int32]())
      pathCodes = Self.copy([Float]())
      maxCodeLength = 0
    }
    let table = SigmoidTable()
    sigmoid = Self.copy(table.sigmoid)
    negLogSigmoid = Self.copy(table.negLogSigmoid)
  }

  deinit {
    keepThreshold.deallocate()
    noiseThreshold.deallocate()
    noiseAlias.deallocate()
    pathOffsets.deallocate()
    pathPoints.deallocate()
    pathCodes.deallocate()
    sigmoid.deallocate()
    negLogSigmoid.deallocate()
  }

  /// Bytes the tables hold.
  package static func byteCount(vocabularySize v: Int, hierarchical: Bool) -> Int {
    v * 12 + (hierarchical ? v * 4 + v * 40 * 8 : 0) + 2 * 4 * (SigmoidTable.size + 1)
  }
}
