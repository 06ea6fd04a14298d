import EmbeddingCore
import Foundation

/// The trainable matrices of a Word2Vec model, in rows padded to a multiple of 8 floats.
///
/// Layout: `input` (the word vectors, V × stride), `outputNegative` (negative-sampling output
/// weights, V × stride) and `outputHierarchical` (one row per inner Huffman node,
/// (V-1) × stride). Rows are in vocabulary order (most frequent first), so the rows touched most
/// often sit together and stay in cache. Padding lanes are zero and stay zero (every update adds
/// a multiple of another padded row), so kernels run whole `SIMD8<Float>` chunks with no tail.
///
/// Hogwild: worker threads read and update these rows concurrently WITHOUT locks, as
/// word2vec.c and gensim do (Recht et al. 2011, "Hogwild!"). Collisions are rare (rows are
/// many, updates sparse) and only perturb a few floats, so training converges; the price is
/// that runs with more than one thread are not reproducible. That is why this type is
/// `@unchecked Sendable`: the races on the floats are deliberate.
package final class ModelWeights: @unchecked Sendable {
  package let rows: Int
  package let dimension: Int
  /// Floats per row (dimension rounded up to a multiple of 8).
  package let stride: Int
  package let input: UnsafeMutablePointer<Float>
  package let outputNegative: UnsafeMutablePointer<Float>?
  package let outputHierarchical: UnsafeMutablePointer<Float>?

  package static func stride(for dimension: Int) -> Int { (dimension + 7) / 8 * 8 }

  /// Bytes the three matrices need.
  package static func byteCount(rows: Int, dimension: Int, negative: Bool, hierarchical: Bool)
    -> Int
  {
    let row = stride(for: dimension) * 4
    return rows * row + (negative ? rows * row : 0) + (hierarchical ? max(rows - 1, 1) * row : 0)
  }

  /// Allocates zeroed matrices.
  package init(rows: Int, dimension: Int, negative: Bool, hierarchical: Bool) {
    self.rows = rows
    self.dimension = dimension
    let stride = Self.stride(for: dimension)
    self.stride = stride
    func allocate(_ r: Int) -> UnsafeMutablePointer<Float> {
      let count = max(r, 1) * stride
      let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
      let p = raw.bindMemory(to: Float.self, capacity: count)
      p.initialize(repeating: 0, count: count)
      return p
    }
    input = allocate(rows)
    outputNegative = negative ? allocate(rows) : nil
    outputHierarchical = hierarchical ? allocate(max(rows - 1, 1)) : nil
  }

  deinit {
    input.deallocate()
    outputNegative?.deallocate()
    outputHierarchical?.deallocate()
  }

  /// Input rows uniform in [-1/d, 1/d) (gensim's range; word2vec.c uses half of it), outputs zero.
  package func randomizeInput(seed: UInt64) {
    var rng = SeededGenerator(seed: seed)
    // Measured on 4M words of en-words, CBOW: analogy 3.8% with word2vec.c's range, 4.9% with this.
    let scale = 2 / Float(dimension)
    for r in 0..<rows {
      let row = input + r * stride
      for c in 0..<dimension { row[c] = (rng.nextFloat() - 0.5) * scale }
    }
  }

  /// True if every weight is finite (false after a diverged run or a damaged file).
  ///
  /// - Complexity: O(rows × dimension).
  func allFinite() -> Bool {
    for (matrix, r) in [
      (input, rows), (outputNegative, rows), (outputHierarchical, max(rows - 1, 1)),
    ] {
      guard let matrix else { continue }
      // Any NaN or ±inf makes the product NaN: one multiply per weight, no branch per element.
      var acc = SIMD8<Float>()
      let n = r * stride
      let raw = UnsafeRawPointer(matrix)
      var off = 0
      while off < n * 4 {
        acc += raw.load(fromByteOffset: off, as: SIMD8<Float>.self) * 0
        off += 32
      }
      if !acc.sum().isFinite { return false }
    }
    return true
  }

  /// Copies `rows × dimension` floats (unpadded, row-major) into `matrix` of this model.
  package func copy(
    _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, rows: Int
  ) {
    for r in 0..<rows {
      (target + r * stride).update(from: source + r * dimension, count: dimension)
    }
  }

  /// The input vectors as an unpadded `Matrix`.
  package func inputMatrix() -> Matrix {
    let m = Matrix(rows: rows, columns: dimension)
    for r in 0..<rows {
      m.rowPointer(r).update(from: input + r * stride, count: dimension)
    }
    return m
  }
}
