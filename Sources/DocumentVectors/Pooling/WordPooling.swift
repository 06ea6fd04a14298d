import EmbeddingCore
import Foundation
import WordEmbeddings

/// The weighted mean of a text's word vectors, the kernel both pooled encoders and the SIF fit
/// share: out = (1/n) Σ_w weight[w] · vector[w] over the n words of the text that the vectors
/// know (unknown words are skipped). A text with no known word gives a zero vector and n = 0.
enum WordPooling {
  /// Pools the words of `bytes` into `out` (`dimension` floats, overwritten); returns n.
  ///
  /// `weights` has one weight per vector row, or is nil for the plain mean.
  /// Shapes: vectors [V × d], weights [V], out [d].
  static func pool(
    _ bytes: UnsafeRawBufferPointer, vectors: WordVectors, splitter: WordSplitter,
    weights: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>
  ) -> Int {
    let d = vectors.dimension
    out.initialize(repeating: 0, count: d)
    var known = 0
    let matrix = vectors.matrix
    splitter.forEachWord(in: bytes) { word, _ in
      guard let row = vectors.index(of: word) else { return }
      known += 1
      VectorKernels.axpy(weights?[row] ?? 1, matrix.rowPointer(row), out, d)
    }
    if known > 1 { VectorKernels.scale(out, 1 / Float(known), d) }
    return known
  }

  /// Removes the projection on the unit vector `component`: out -= (component · out) component.
  @inline(__always)
  static func removeComponent(
    _ component: UnsafePointer<Float>, from out: UnsafeMutablePointer<Float>, _ d: Int
  ) {
    let projection = VectorKernels.dot(component, out, d)
    VectorKernels.axpy(-projection, component, out, d)
  }
}
