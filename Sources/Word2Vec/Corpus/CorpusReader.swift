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
  ///
  /// Each file's identity (inode, size, modification time) is taken before the first pass and
  /// checked after every pass: a corpus truncated, rewritten or replaced during training stops
  /// the run with `EmbeddingError.io` instead of silently training on fewer words.
  func run(epochs: Int, queue: ChunkQueue) {
    do {
      var sink = IDSink(
        table: vocabulary.table, queue: queue, maxSentenceLength: maxSentenceLength,
        chunkWords: chunkWords)
      let identities = try corpora.map { try FileIdentity(path: $0) }
      outer: for _ in 0..<epochs {
        for (path, identity) in zip(corpora, identities) {
          var scanner = try CorpusScanner(path: path)
          defer { scanner.close() }
          while try !scanner.scan(into: &sink) {
            if sink.stopped { break outer }
          }
          try identity.checkUnchanged()
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

/// A file's inode, size and modification time, to notice a corpus changed during training.
struct FileIdentity: Equatable {
  let path: String
  let device: UInt64
  let inode: UInt64
  let size: Int64
  let modifiedSeconds: Int
  let modifiedNanoseconds: Int

  /// Reads the identity of `path` now.
  init(path: String) throws {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw EmbeddingError.io(path: path, reason: String(cString: strerror(errno)))
    }
    self.path = path
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    size = Int64(info.st_size)
    #if canImport(Darwin)
      modifiedSeconds = Int(info.st_mtimespec.tv_sec)
      modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
    #else
      modifiedSeconds = Int(info.st_mtim.tv_sec)
      modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
    #endif
  }

  /// Throws `EmbeddingError.io` if the file at `path` is no longer this one, unchanged.
  func checkUnchanged() throws {
    let now = try FileIdentity(path: path)
    guard now != self else { return }
    let what =
      now.inode != inode || now.device != device
      ? "was replaced by another file"
      : now.size != size ? "changed size from \(size) to \(now.size) bytes" : "was modified"
    throw EmbeddingError.io(
      path: path,
      reason: "the corpus \(what) during training, so the words trained no longer match the "
        + "vocabulary pass; leave corpus files untouched while `embed train` runs (copy them first)"
    )
  }
}
