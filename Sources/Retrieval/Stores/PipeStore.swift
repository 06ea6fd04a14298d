import Dispatch
import EmbeddingCore
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A `RetrievalStore` served by a child process over `StorePipe`'s line protocol: how `embed` uses
/// the PostgreSQL store (`embed-postgres`) without linking SwiftNIO.
///
/// The child gets the store URL in `EMBEDDINGKIT_STORE_URL` (not on its command line, which other
/// users can read), answers a first line once the store is open, then one line per request.
///
/// Requests wait for their answers on the store's own serial queue, never on a Swift concurrency
/// thread: a blocking `read` there would take one of the few cooperative threads (one per core)
/// for as long as the database takes, and with concurrent requests all of them, stalling every
/// task in the process, including the ones the database may be waiting on.
///
/// ```swift
/// let store = try PipeStore(executable: "/path/embed-postgres", url: "postgres://me@db:5432/docs")
/// let index = try await StoreIndex(store: store, encoder: nil)
/// ```
public final class PipeStore: RetrievalStore, @unchecked Sendable {
  /// The URL without its password.
  public let location: String
  private let process: Process
  private let input: FileHandle
  private let output: FileHandle
  /// Where requests are written and answers read, one at a time; `buffer` and `finished` belong to it.
  private let queue = DispatchQueue(label: "embeddingkit.pipe-store")
  private var buffer = Data()
  private var finished = false

  /// Starts `executable` and waits until it has opened the store at `url`.
  ///
  /// This wait blocks the calling thread, but only until the child has connected. That needs
  /// nothing from this process, unlike the requests after it.
  ///
  /// - Parameter location: how messages name the store (the URL without password).
  /// - Throws: `EmbeddingError.io` when the program cannot start or the store cannot be opened.
  public init(executable: String, url: String, location: String) throws(EmbeddingError) {
    self.location = location
    signal(SIGPIPE, SIG_IGN)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    var environment = ProcessInfo.processInfo.environment
    environment["EMBEDDINGKIT_STORE_URL"] = url
    process.environment = environment
    let toChild = Pipe()
    let fromChild = Pipe()
    process.standardInput = toChild
    process.standardOutput = fromChild
    process.standardError = FileHandle.standardError
    do {
      try process.run()
    } catch {
      throw .io(path: executable, reason: "cannot start the store program: \(error)")
    }
    self.process = process
    self.input = toChild.fileHandleForWriting
    self.output = fromChild.fileHandleForReading
    let ready = try readResponse()
    if let error = ready.error { throw error.error }
  }

  deinit {
    try? input.close()
    if process.isRunning { process.waitUntilExit() }
  }

  /// Sends one request and waits, off the cooperative threads, for its response.
  private func call(_ request: StorePipe.Request) async throws(EmbeddingError) -> StorePipe.Response
  {
    try await onQueue { () throws(EmbeddingError) in try self.exchange(request) }.get()
  }

  /// Runs `body` on `queue` and waits for it without holding a cooperative thread.
  private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(EmbeddingError) -> T) async
    -> Result<T, EmbeddingError>
  {
    await withCheckedContinuation { c in
      queue.async { c.resume(returning: Result { () throws(EmbeddingError) in try body() }) }
    }
  }

  /// One request and its response, on `queue`.
  private func exchange(_ request: StorePipe.Request) throws(EmbeddingError) -> StorePipe.Response {
    dispatchPrecondition(condition: .onQueue(queue))
    guard !finished else {
      throw .io(path: location, reason: "the store program was closed")
    }
    do {
      var line = try JSONEncoder().encode(request)
      line.append(10)
      try input.write(contentsOf: line)
    } catch {
      throw .io(
        path: location,
        reason: "the store program stopped (\(error)); see its message above and run again")
    }
    let response = try readResponse()
    if let error = response.error { throw error.error }
    return response
  }

  /// Reads one line from the child and decodes it.
  private func readResponse() throws(EmbeddingError) -> StorePipe.Response {
    while true {
      if let newline = buffer.firstIndex(of: 10) {
        let line = buffer[buffer.startIndex..<newline]
        buffer = Data(buffer[(newline + 1)...])
        do {
          return try JSONDecoder().decode(StorePipe.Response.self, from: line)
        } catch {
          throw .io(path: location, reason: "the store program sent an unreadable answer: \(error)")
        }
      }
      var bytes = [UInt8](repeating: 0, count: 65_536)
      var n = 0
      repeat {
        n = bytes.withUnsafeMutableBytes { read(output.fileDescriptor, $0.baseAddress, $0.count) }
      } while n < 0 && errno == EINTR
      let chunk = Data(bytes.prefix(max(0, n)))
      if chunk.isEmpty {
        finished = true
        process.waitUntilExit()
        throw .io(
          path: location,
          reason:
            "the store program stopped (exit status \(process.terminationStatus)); see its message above"
        )
      }
      buffer.append(chunk)
    }
  }

  public func prepare(chunking: ChunkingOptions?, create: Bool) async throws(EmbeddingError)
    -> ChunkingOptions
  {
    guard let c = try await call(.prepare(chunking: chunking, create: create)).chunking else {
      throw .io(path: location, reason: "the store program sent no chunk settings")
    }
    return c
  }

  public func recordedEncoder() async throws(EmbeddingError) -> EncoderDescriptor? {
    try await call(.recordedEncoder).encoder
  }

  public func attribute(_ key: String) async throws(EmbeddingError) -> String? {
    try await call(.attribute(key: key)).text
  }

  public func setAttribute(_ key: String, _ value: String) async throws(EmbeddingError) {
    _ = try await call(.setAttribute(key: key, value: value))
  }

  public func contentHashes(ids: [String]) async throws(EmbeddingError) -> [String: String] {
    try await call(.contentHashes(ids: ids)).hashes ?? [:]
  }

  public func storedVectors(documentID: String) async throws(EmbeddingError) -> [String: [Float]] {
    try await call(.storedVectors(documentID: documentID)).vectors ?? [:]
  }

  public func write(_ documents: [StoredDocument], encoder: EncoderDescriptor?)
    async throws(EmbeddingError)
  {
    _ = try await call(.write(documents: documents, encoder: encoder))
  }

  public func remove(ids: [String]) async throws(EmbeddingError) -> Int {
    try await call(.remove(ids: ids)).count ?? 0
  }

  public func counts() async throws(EmbeddingError) -> StoreCounts {
    guard let c = try await call(.counts).counts else {
      throw .io(path: location, reason: "the store program sent no counts")
    }
    return c
  }

  public func bm25(
    terms: [String: Int], depth: Int, parameters: BM25Parameters, filter: [String: String]
  ) async throws(EmbeddingError) -> [StoreHit] {
    try await call(.bm25(terms: terms, depth: depth, parameters: parameters, filter: filter)).hits ?? []
  }

  public func dense(query: [Float], depth: Int, ef: Int?, filter: [String: String])
    async throws(EmbeddingError) -> [StoreHit]
  {
    try await call(.dense(query: query, depth: depth, ef: ef, filter: filter)).hits ?? []
  }

  public func bm25Scores(terms: [String: Int], parameters: BM25Parameters, keys: [Int64])
    async throws(EmbeddingError) -> [Int64: Double]
  {
    try await call(.bm25Scores(terms: terms, parameters: parameters, keys: keys)).scores ?? [:]
  }

  public func denseScores(query: [Float], keys: [Int64]) async throws(EmbeddingError)
    -> [Int64: Double]
  {
    try await call(.denseScores(query: query, keys: keys)).scores ?? [:]
  }

  public func documents(ids: [String]) async throws(EmbeddingError) -> [StoredDocument] {
    try await call(.documents(ids: ids)).documents ?? []
  }

  public func buildApproximateIndex(m: Int, efConstruction: Int) async throws(EmbeddingError)
    -> Double?
  {
    try await call(.buildApproximateIndex(m: m, efConstruction: efConstruction)).seconds
  }

  public func hasApproximateIndex() async throws(EmbeddingError) -> Bool {
    try await call(.hasApproximateIndex).flag ?? false
  }

  /// Ends the child (closing its stdin) and waits, off the cooperative threads, for it to exit.
  public func close() async {
    _ = await onQueue {
      self.finished = true
      try? self.input.close()
      if self.process.isRunning { self.process.waitUntilExit() }
    }
  }
}
