import EmbeddingCore
import Foundation

/// The reader thread's job: stream the corpus files once per epoch, map words to vocabulary
/// rows (dropping unknown words), cut sentences at line ends and at `maxSentenceLength` words
/// (the rest of a long line continues as the next sentence), and hand ~64k-word chunks to the
/// workers through a `ChunkQueue`.
struct CorpusReader {
  let corpora: [String]
  let vocabulary: Word2VecVocabulary
  let maxSentenceLength: Int
  let chunkWords: Int

  /// Runs `epochs` passes, then closes the queue (with the error, if any).
  func run(epochs: Int, queue: ChunkQueue) {
    do {
      var sink = IDSink(
        table: vocabulary.table, queue: queue, maxSentenceLength: maxSentenceLength,
        chunkWords: chunkWords)
      outer: for _ in 0..<epochs {
        for path in corpora {
          var scanner = try CorpusScanner(path: path)
          defer { scanner.close() }
          while try !scanner.scan(into: &sink) {
            if sink.stopped { break outer }
          }
          sink.endOfLine()  // a file's last line needs no newline
        }
      }
      sink.flush()
      queue.close()
    } catch {
      queue.close(error: error)
    }
  }
}

/// Maps words to IDs into the current chunk.
private struct IDSink: CorpusSink {
  let table: ByteWordTable
  let queue: ChunkQueue
  let maxSentenceLength: Int
  let chunkWords: Int
  var chunk: WordChunk
  var sentenceStart = 0
  var stopped = false

  init(table: ByteWordTable, queue: ChunkQueue, maxSentenceLength: Int, chunkWords: Int) {
    self.table = table
    self.queue = queue
    self.maxSentenceLength = maxSentenceLength
    self.chunkWords = chunkWords
    chunk = queue.emptyChunk()
  }

  @inline(__always)
  mutating func word(_ bytes: UnsafeRawBufferPointer) {
    let id = table.index(of: bytes)
    if id < 0 { return }
    chunk.ids.append(Int32(truncatingIfNeeded: id))
    if chunk.ids.count - sentenceStart >= maxSentenceLength { endOfLine() }
  }

  @inline(__always)
  mutating func endOfLine() {
    let end = chunk.ids.count
    if end == sentenceStart { return }
    chunk.sentenceEnds.append(Int32(end))
    sentenceStart = end
    if end >= chunkWords { flush() }
  }

  mutating func flush() {
    if chunk.ids.isEmpty { return }
    if chunk.ids.count != sentenceStart { chunk.sentenceEnds.append(Int32(chunk.ids.count)) }
    if !queue.push(chunk) { stopped = true }
    chunk = queue.emptyChunk()
    sentenceStart = 0
  }

  mutating func shouldStop() -> Bool {
    if queue.isStopped { stopped = true }
    return stopped
  }
}
