#if Server
import Dispatch
import EmbeddingCore
import Foundation

/// Merges the texts of concurrent requests into encoder batches (dynamic batching).
///
/// Requests append their texts to one bounded queue; up to `workers` workers each take up to
/// `maxBatchSize` texts of the same role (oldest first), waiting at most `maxWait` for a batch to
/// fill when the queue is short, and encode them on their own thread while new requests keep
/// queueing. Only one worker waits for a batch at a time; the others start when texts are left
/// over. With several workers the encoder should use `threads / workers` threads per call: each
/// worker then encodes its batch alone, and no worker waits for another's batch to end. A request
/// whose texts span several batches is answered when its last text is encoded.
///
/// ```swift
/// let queue = BatchQueue(encoder: encoder, maxBatchSize: 32, maxWait: .milliseconds(5), capacity: 4096)
/// let rows = try await queue.encode(["a", "b"], role: .plain)   // 2 × dimension
/// ```
actor BatchQueue {
  /// Thrown when accepting the texts would pass `capacity`.
  struct Full: Error {
    /// Texts already queued.
    let queued: Int
  }

  /// One request's texts and where its rows go.
  private final class Job {
    let texts: [String]
    let role: TextRole
    let result: Matrix
    var next = 0
    var done = 0
    let continuation: CheckedContinuation<Matrix, any Error>
    var failed = false

    init(
      texts: [String], role: TextRole, dimension: Int,
      continuation: CheckedContinuation<Matrix, any Error>
    ) {
      self.texts = texts
      self.role = role
      self.result = Matrix(rows: texts.count, columns: dimension)
      self.continuation = continuation
    }
  }

  private let encoder: any TextEncoder
  private let maxBatchSize: Int
  private let maxWait: Duration
  private let capacity: Int
  private let metrics: ServerMetrics?
  private let workers: Int
  private let threads = DispatchQueue(label: "embeddingkit.server.encode", attributes: .concurrent)
  private var jobs: [Job] = []
  private var head = 0
  private var queuedTexts = 0
  private var activeWorkers = 0
  /// A worker is waiting for (or about to take) the next batch; no other worker may.
  private var batchClaimed = false
  private var wakeUp: CheckedContinuation<Void, Never>?
  private var wakeGeneration = 0

  /// Creates a queue in front of `encoder`, calling it from up to `workers` threads at once.
  init(
    encoder: any TextEncoder, maxBatchSize: Int, maxWait: Duration, capacity: Int,
    workers: Int = 1, metrics: ServerMetrics? = nil
  ) {
    self.encoder = encoder
    self.maxBatchSize = max(1, maxBatchSize)
    self.maxWait = maxWait
    self.capacity = max(1, capacity)
    self.workers = max(1, workers)
    self.metrics = metrics
  }

  /// Texts waiting to be encoded.
  var depth: Int { queuedTexts }

  /// Encodes `texts` in the shared batches; rows come back in order.
  ///
  /// - Throws: `Full` when the queue holds `capacity` texts; the encoder's error otherwise.
  func encode(_ texts: [String], role: TextRole) async throws -> Matrix {
    if texts.isEmpty { return Matrix(rows: 0, columns: encoder.dimension) }
    guard queuedTexts + texts.count <= capacity else { throw Full(queued: queuedTexts) }
    let dimension = encoder.dimension
    return try await withCheckedThrowingContinuation { continuation in
      jobs.append(Job(texts: texts, role: role, dimension: dimension, continuation: continuation))
      queuedTexts += texts.count
      metrics?.queueDepth.set(Double(queuedTexts))
      if queuedTexts >= maxBatchSize { wake() }
      startWorker()
    }
  }

  /// Starts a worker for the queued texts unless one is already waiting for them or all run.
  private func startWorker() {
    guard queuedTexts > 0, !batchClaimed, activeWorkers < workers else { return }
    activeWorkers += 1
    batchClaimed = true
    Task { await self.work() }
  }

  private func wake() {
    wakeUp?.resume()
    wakeUp = nil
  }

  private func wake(generation: Int) {
    if generation == wakeGeneration { wake() }
  }

  /// Waits until a full batch is queued or `maxWait` has passed.
  private func waitForBatch() async {
    guard (queuedTexts < maxBatchSize) && (maxWait > Duration.zero) else { return }
    wakeGeneration += 1
    let generation = wakeGeneration
    let wait = maxWait
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
      wakeUp = c
      Task {
        try? await Task.sleep(for: wait)
        self.wake(generation: generation)
      }
    }
  }

  /// One worker: takes batches while texts are queued and no other worker is waiting for them.
  /// Starts with `batchClaimed` set on its behalf by `startWorker`.
  private func work() async {
    var claimed = true
    while true {
      if !claimed {
        guard queuedTexts > 0, !batchClaimed else { break }
        batchClaimed = true
      }
      claimed = false
      await waitForBatch()
      let (role, texts, pieces) = takeBatch()
      batchClaimed = false
      startWorker()
      guard !texts.isEmpty else { continue }
      let result = await runEncoder(texts, role: role)
      finish(pieces, result)
    }
    activeWorkers -= 1
    if activeWorkers == 0, queuedTexts == 0 {
      jobs.removeAll(keepingCapacity: true)
      head = 0
    }
  }

  /// Claims up to `maxBatchSize` queued texts of the oldest unclaimed job's role, in arrival order.
  private func takeBatch() -> (TextRole, [String], [(job: Job, start: Int, count: Int)]) {
    while head < jobs.count, jobs[head].next == jobs[head].texts.count { head += 1 }
    if head > 1024, head * 2 > jobs.count {
      jobs.removeFirst(head)
      head = 0
    }
    guard head < jobs.count else { return (.plain, [], []) }
    let role = jobs[head].role
    var texts: [String] = []
    var pieces: [(job: Job, start: Int, count: Int)] = []
    var index = head
    while index < jobs.count, texts.count < maxBatchSize {
      let job = jobs[index]
      index += 1
      guard job.role == role, job.next < job.texts.count else { continue }
      let n = min(maxBatchSize - texts.count, job.texts.count - job.next)
      texts.append(contentsOf: job.texts[job.next..<(job.next + n)])
      pieces.append((job, job.next, n))
      job.next += n
    }
    queuedTexts -= texts.count
    metrics?.queueDepth.set(Double(queuedTexts))
    metrics?.batchSize.record(Double(texts.count))
    return (role, texts, pieces)
  }

  private func runEncoder(_ texts: [String], role: TextRole) async -> Result<Matrix, any Error> {
    let encoder = self.encoder
    let metrics = self.metrics
    return await withCheckedContinuation { continuation in
      threads.async {
        let start = ContinuousClock.now
        let result = Result { try encoder.encode(texts, role: role) }
        let elapsed = ContinuousClock.now - start
        metrics?.encodeSeconds.increment(
          by: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        continuation.resume(returning: result)
      }
    }
  }

  private func finish(
    _ pieces: [(job: Job, start: Int, count: Int)], _ result: Result<Matrix, any Error>
  ) {
    var offset = 0
    for (job, start, count) in pieces {
      defer { offset += count }
      guard !job.failed else { continue }
      switch result {
      case .failure(let error):
        job.failed = true
        queuedTexts -= job.texts.count - job.next
        job.next = job.texts.count
        job.continuation.resume(throwing: error)
      case .success(let matrix):
        guard matrix.rows >= offset + count, matrix.columns == job.result.columns else {
          job.failed = true
          queuedTexts -= job.texts.count - job.next
          job.next = job.texts.count
          job.continuation.resume(
            throwing: EmbeddingError.invalidArgument(
              "the encoder returned a \(matrix.rows) × \(matrix.columns) matrix for a batch of "
                + "\(offset + count)+ texts of dimension \(job.result.columns)"))
          continue
        }
        let width = matrix.columns
        (job.result.baseAddress + start * width).update(
          from: matrix.baseAddress + offset * width, count: count * width)
        job.done += count
        if job.done == job.texts.count { job.continuation.resume(returning: job.result) }
      }
    }
    metrics?.queueDepth.set(Double(queuedTexts))
  }
}
#endif
