import Dispatch
import EmbeddingCore
import Foundation

/// Merges the texts of concurrent requests into encoder batches (dynamic batching).
///
/// Requests append their texts to one bounded queue; a single worker takes up to `maxBatchSize`
/// texts of the same role, waiting at most `maxWait` for a batch to fill when the queue is short,
/// and encodes them on a dedicated thread while new requests keep queueing. A request whose texts
/// span several batches is answered when its last text is encoded.
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
  private let worker = DispatchQueue(label: "embeddingkit.server.encode")
  private var jobs: [Job] = []
  private var head = 0
  private var queuedTexts = 0
  private var running = false
  private var wakeUp: CheckedContinuation<Void, Never>?
  private var wakeGeneration = 0

  /// Creates a queue in front of `encoder`.
  init(
    encoder: any TextEncoder, maxBatchSize: Int, maxWait: Duration, capacity: Int,
    metrics: ServerMetrics? = nil
  ) {
    self.encoder = encoder
    self.maxBatchSize = max(1, maxBatchSize)
    self.maxWait = maxWait
    self.capacity = max(1, capacity)
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
      if !running {
        running = true
        Task { await self.work() }
      }
    }
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

  private func work() async {
    while head < jobs.count {
      await waitForBatch()
      // Take up to maxBatchSize texts of the first job's role, in arrival order.
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
      let result = await runEncoder(texts, role: role)
      finish(pieces, result)
      while head < jobs.count, jobs[head].next == jobs[head].texts.count { head += 1 }
      if head > 1024, head * 2 > jobs.count {
        jobs.removeFirst(head)
        head = 0
      }
    }
    jobs.removeAll(keepingCapacity: true)
    head = 0
    running = false
  }

  private func runEncoder(_ texts: [String], role: TextRole) async -> Result<Matrix, any Error> {
    let encoder = self.encoder
    return await withCheckedContinuation { continuation in
      worker.async {
        continuation.resume(returning: Result { try encoder.encode(texts, role: role) })
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
