#if Postgres
import Foundation
import Logging
import PostgresNIO

/// One open connection of a `PostgresStore`, whose `query` is PostgresNIO's except that it fails
/// when the connection closes before the query is answered, instead of waiting forever.
///
/// PostgresNIO 1.33.2 hands a query to its channel without a write promise. A query written just
/// after the channel closed, when the channel's handlers are already gone, is never answered, so
/// its `await` never returns. That happens when the server ends the session between two statements
/// of one call (a search reads hits, then their documents; a write runs several statements): seen
/// in about one loaded run in three of the fault tests, the test process idle with its socket
/// closed. So every query in flight is registered here, and the connection's close (one callback
/// for the connection's life) fails those still waiting.
final class PostgresSession: @unchecked Sendable {
  let connection: PostgresConnection
  private let lock = NSLock()
  private var closed = false
  private var waiting: [Int: CheckedContinuation<PostgresRowSequence, any Error>] = [:]
  private var nextID = 0

  init(connection: PostgresConnection) {
    self.connection = connection
    connection.closeFuture.whenComplete { [weak self] _ in self?.failWaiting() }
  }

  /// `connection.query(query, logger:)`, or `PostgresSessionEnded` once the connection has closed
  /// (at once when it is closed already).
  ///
  /// A query lost that way stays suspended in its own task, holding a few hundred bytes: PostgresNIO
  /// gives no way to end it.
  @discardableResult
  func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
    let connection = self.connection
    return try await withCheckedThrowingContinuation { continuation in
      guard let id = register(continuation) else {
        continuation.resume(throwing: PostgresSessionEnded())
        return
      }
      Task {
        let answer: Result<PostgresRowSequence, any Error>
        do {
          answer = .success(try await connection.query(query, logger: logger))
        } catch {
          answer = .failure(error)
        }
        self.take(id)?.resume(with: answer)
      }
    }
  }

  /// Registers a waiting query; nil once the connection has closed.
  private func register(_ c: CheckedContinuation<PostgresRowSequence, any Error>) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    if closed { return nil }
    nextID += 1
    waiting[nextID] = c
    return nextID
  }

  /// The query's continuation, unless the close already resumed it.
  private func take(_ id: Int) -> CheckedContinuation<PostgresRowSequence, any Error>? {
    lock.lock()
    defer { lock.unlock() }
    return waiting.removeValue(forKey: id)
  }

  private func failWaiting() {
    lock.lock()
    closed = true
    let all = waiting.values
    waiting = [:]
    lock.unlock()
    for c in all { c.resume(throwing: PostgresSessionEnded()) }
  }
}

/// The connection closed before a query was answered (the server ended the session, or it went away).
struct PostgresSessionEnded: Error {}
#endif
