import EmbeddingCore
import Foundation
@testable import InputEmbeddings

/// Files written by `Benchmarks/input_embeddings_reference.py fixtures` (tiktoken + numpy).
enum FixtureFiles {
  static func path(_ name: String) -> String {
    let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    return url.appendingPathComponent(name).path
  }

  static func matrix(_ name: String) throws -> Matrix {
    try NumpyArrayFile.read(path: path(name))
  }

  static func ids(_ name: String) throws -> [Int32] {
    let m = try matrix(name)
    return withExtendedLifetime(m) { m.buffer.map { Int32($0) } }
  }
}

/// max |a − b| / max |b|: relative error that stays meaningful for entries near zero.
func relativeError(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
  precondition(a.count == b.count)
  var diff: Float = 0
  var scale: Float = 0
  for i in 0..<a.count {
    diff = max(diff, abs(a[i] - b[i]))
    scale = max(scale, abs(b[i]))
  }
  return scale > 0 ? diff / scale : diff
}

func relativeError(_ a: Matrix, _ b: Matrix) -> Float {
  relativeError(UnsafeBufferPointer(a.buffer), UnsafeBufferPointer(b.buffer))
}
