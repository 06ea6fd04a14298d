#if Postgres
import Foundation
import Logging
import PostgresNIO

/// The connection as one store call sees it: PostgresNIO's `query`, except that a query fails when
/// the connection closes before it is answered, instead of waiting forever.
///
/// PostgresNIO 1.33.2 hands a query to its channel without a write promise. A query written just
/// after the channel closed, when the channel's handlers are already gone, is never answered, so
/// its `await` never returns. That happens when the server ends the session between two statements
/// of one call (a search reads hits, then their documents; a write runs several statements): seen
/// in about one loaded run in three of the fault tests, the test process idle with its socket
/// closed. `query` here races the answer against the connection's close.
struct PostgresSession: Sendable {
  let connection: PostgresConnection

  /// `connection.query(query, logger:)`, or `PostgresSessionEnded` once the connection has closed
  /// (at once when it is closed already).
  ///
  /// A query lost that way stays suspended in its own task, holding a few hundred bytes: PostgresNIO
  /// gives no way to end it.
  @discardableResult
  func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
    let connection = self.connection
    return try await withCheckedThrowingContinuation { continuation in
      let once = ResumeOnce(continuation)
      connection.closeFuture.whenComplete { _ in once.resume(.failure(PostgresSessionEnded())) }
      Task {
        do {
          once.resume(.success(try await connection.query(query, logger: logger)))
        } catch {
          once.resume(.failure(error))
        }
      }
    }
  }
}

/// The connection closed before a query was answered (the server ended the session, or it went away).
struct PostgresSessionEnded: Error {}

/// Resumes a continuation with the first result given to it; later ones are dropped.
private final class ResumeOnce<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var continuation: CheckedContinuation<T, any Error>?

  init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

  func resume(_ result: Result<T, any Error>) {
    lock.lock()
    let c = continuation
    continuation = nil
    lock.unlock()
    c?.resume(with: result)
  }
}
#endif
