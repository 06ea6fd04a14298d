#if Server
import EmbeddingCore
import EmbeddingServer
import Retrieval
import SentenceEmbeddings

/// Opens what `embed-server` serves: the sentence encoder of a model folder and, optionally, a
/// retrieval index built with it.
enum EncoderLoader {
  /// The encoder in `model` (a folder, or a name found under $EMBEDDINGKIT_MODELS), encoding up to
  /// `batchSize` texts per call on `threads` threads.
  ///
  /// - Throws: `EmbeddingError` naming the folder and what is missing.
  static func load(model: String, batchSize: Int, threads: Int) throws -> any TextEncoder {
    var options = SentenceEncoderOptions()
    options.batchSize = batchSize
    options.threads = threads
    return try SentenceEncoder(directory: ModelLocator.locate(model), options: options)
  }

  /// The index at `path`, searched with `encoder` (which must be the one it was built with).
  static func index(path: String, encoder: any TextEncoder) throws -> any SearchBackend {
    IndexSearch(index: try RetrievalIndex(path: path, encoder: encoder))
  }
}

/// `RetrievalIndex` behind `POST /v1/search`.
struct IndexSearch: SearchBackend {
  let index: RetrievalIndex

  func search(_ query: SearchQuery) async throws -> [SearchResult] {
    guard let mode = SearchMode(rawValue: query.mode) else {
      throw EmbeddingError.invalidArgument(
        "mode must be hybrid, dense or bm25, got '\(query.mode)'")
    }
    let hits = try await index.search(query.text, k: query.k, mode: mode, filter: query.filter)
    return hits.map {
      SearchResult(
        id: $0.id, score: $0.score, title: $0.title, text: $0.chunk, chunkIndex: $0.chunkIndex,
        metadata: $0.metadata)
    }
  }
}
#endif
