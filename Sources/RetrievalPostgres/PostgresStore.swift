#if Postgres
import EmbeddingCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Retrieval

/// A `RetrievalStore` in PostgreSQL with pgvector, over one PostgresNIO connection.
///
/// ```
/// <schema>.meta(key PRIMARY KEY, value)        format_version, encoder (JSON), chunk_tokens, chunk_overlap, attr.*
/// <schema>.documents(rowid identity, id UNIQUE, title, text, metadata jsonb, content_hash, length)
/// <schema>.chunks(rowid identity, doc → documents ON DELETE CASCADE, ordinal, start, "end", hash,
///                 vector vector(d): unit float32 rows; HNSW index chunks_hnsw (vector_ip_ops) when built)
/// <schema>.postings(term, doc → documents, tf)  BM25 term frequencies, same words as the SQLite FTS5 table
/// ```
///
/// BM25 is computed in SQL from `postings` with the SQLite index's formula (Lucene idf, k1, b, average
/// length), so both stores score alike; a `tsvector` would cap term positions (256 per word) and
/// `ts_rank_cd` is not BM25. Dense search uses pgvector's inner product (`<#>`) on unit vectors: exact
/// by default, through HNSW when `ef` is given and the index was built. Operations run one at a time
/// (an actor); a connection that was closed is opened again on the next call. Call `close()` before
/// releasing the store, or use `PostgresStore.with(url:_:)`, which always does.
public actor PostgresStore: RetrievalStore {
  /// The parsed URL.
  public nonisolated let postgres: PostgresLocation
  /// The URL without password.
  public nonisolated let location: String
  nonisolated let logger = Logger(
    label: "embeddingkit.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
  /// The open connection and its queries in flight.
  var session: PostgresSession?
  /// The schema, quoted for SQL.
  nonisolated var s: String { "\"\(postgres.schema)\"" }

  /// Connects to the server at `url` (see `PostgresLocation`).
  ///
  /// - Throws: `EmbeddingError.io` naming the cause (server down, wrong password, no such database).
  public init(url: String) async throws(EmbeddingError) {
    postgres = try PostgresLocation(url: url)
    location = postgres.description
    _ = try await open()
  }

  /// Opens the store at `url`, runs `body` with it and closes it, on success and on error alike.
  ///
  /// PostgresNIO requires every connection to be closed before it is released (a debug build traps
  /// otherwise); this is the way to use a store without tracking `close()` by hand.
  ///
  /// ```swift
  /// let n = try await PostgresStore.with(url: url) { store in try await store.counts().documents }
  /// ```
  public static func with<T: Sendable>(
    url: String, _ body: (PostgresStore) async throws -> T
  ) async throws -> T {
    let store = try await PostgresStore(url: url)
    let value: T
    do {
      value = try await body(store)
    } catch {
      await store.close()
      throw error
    }
    await store.close()
    return value
  }

  /// The open connection, connecting again when the last one closed.
  func open() async throws(EmbeddingError) -> PostgresSession {
    if let session, !session.connection.isClosed { return session }
    do {
      let tls: PostgresConnection.Configuration.TLS
      switch postgres.sslMode {
      case "disable": tls = .disable
      case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
      default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
      }
      var config = PostgresConnection.Configuration(
        host: postgres.host, port: postgres.port, username: postgres.user,
        password: postgres.password, database: postgres.database, tls: tls)
      config.options.connectTimeout = .seconds(10)
      let c = try await PostgresConnection.connect(
        configuration: config, id: 1, logger: logger)
      // Another call may have connected while this one waited (actor re-entrance): keep one.
      if let other = session, !other.connection.isClosed {
        try? await c.close()
        return other
      }
      if let stale = session {
        session = nil
        try? await stale.connection.close()
      }
      let opened = PostgresSession(connection: c)
      session = opened
      return opened
    } catch {
      throw mapError(error)
    }
  }

  /// Runs `body` on the connection (as a `PostgresSession`, whose queries fail instead of hanging
  /// when the server ends the session), mapping every failure to `EmbeddingError`.
  @discardableResult
  func run<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws(EmbeddingError)
    -> T
  {
    let s = try await open()
    do {
      return try await body(s)
    } catch {
      // A connection the server ended is closed here, explicitly; the next call opens a new one.
      if s.connection.isClosed || Self.endsConnection(error) {
        if session === s { session = nil }
        try? await s.connection.close()
      }
      throw mapError(error)
    }
  }

  /// Whether `error` means the connection is unusable (as opposed to an error in one statement).
  static func endsConnection(_ error: any Error) -> Bool {
    if error is PostgresSessionEnded { return true }
    guard let psql = error as? PSQLError else { return false }
    switch psql.code {
    case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
      return true
    case .server:
      return ["57P01", "57P02", "57P03"].contains(psql.serverInfo?[.sqlState] ?? "")
    default:
      return false
    }
  }

  /// Runs `body` in one transaction (rolled back on failure).
  @discardableResult
  func transaction<T: Sendable>(_ body: (PostgresSession) async throws -> T)
    async throws(EmbeddingError) -> T
  {
    try await run { c in
      try await c.query("BEGIN", logger: logger)
      do {
        let value = try await body(c)
        try await c.query("COMMIT", logger: logger)
        return value
      } catch {
        _ = try? await c.query("ROLLBACK", logger: logger)
        throw error
      }
    }
  }

  /// Closes the connection (waiting until it is closed). Call it before releasing the store, on
  /// error paths too (or use `with(url:_:)`): PostgresNIO connections must not be released open.
  /// A later call opens a new connection.
  public func close() async {
    guard let s = session else { return }
    session = nil
    try? await s.connection.close()
  }

  /// The server process id of the connection (for tests that end it from another connection).
  public func _backendProcessID() async throws(EmbeddingError) -> Int {
    try await run { c in
      var pid = 0
      for try await (p) in try await c.query("SELECT pg_backend_pid()::bigint", logger: logger)
        .decode(Int.self)
      {
        pid = p
      }
      return pid
    }
  }

  nonisolated var closedConnection: EmbeddingError {
    .io(
      path: location,
      reason:
        "the PostgreSQL server closed the connection (stopped, restarted or ended this session); run again once it is up"
    )
  }

  /// One `EmbeddingError` per failure, naming the fix.
  nonisolated func mapError(_ error: any Error) -> EmbeddingError {
    if let error = error as? EmbeddingError { return error }
    if error is PostgresSessionEnded { return closedConnection }
    guard let psql = error as? PSQLError else {
      return .io(path: location, reason: "PostgreSQL: \(error)")
    }
    switch psql.code {
    case .connectionError:
      let cause = psql.underlying.map { " (\($0))" } ?? ""
      return .io(
        path: location,
        reason:
          "cannot connect to the PostgreSQL server\(cause); is it running on \(postgres.host):\(postgres.port)? (bash Benchmarks/postgres.sh start runs one locally)"
      )
    case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
      return closedConnection
    case .authMechanismRequiresPassword:
      return .io(
        path: location,
        reason:
          "the server asks for a password; put it in the URL (user:password@host) or PGPASSWORD")
    case .sslUnsupported:
      return .io(
        path: location, reason: "the server does not offer TLS; add ?sslmode=disable to the URL")
    case .server:
      let state = psql.serverInfo?[.sqlState] ?? ""
      let message = psql.serverInfo?[.message] ?? "\(psql)"
      switch state {
      case "28P01", "28000":
        return .io(
          path: location,
          reason:
            "authentication failed for user \(postgres.user) (\(message)); check the password (URL or PGPASSWORD)"
        )
      case "3D000":
        return .io(
          path: location,
          reason:
            "database \(postgres.database) does not exist; create it (CREATE DATABASE \(postgres.database)) or fix the URL"
        )
      case "42704" where message.contains("vector"), "58P01":
        return .io(
          path: location,
          reason:
            "pgvector is missing (\(message)); install it and run CREATE EXTENSION vector in \(postgres.database) as a superuser"
        )
      case "42501":
        return .io(
          path: location,
          reason: "permission denied (\(message)); use a user that may create tables")
      case "57P01", "57P02", "57P03":
        return .io(
          path: location,
          reason:
            "the PostgreSQL server ended the session (\(message)): it is shutting down, starting, or an administrator ended it; run again once it is up"
        )
      default:
        return .io(path: location, reason: "PostgreSQL error \(state): \(message)")
      }
    default:
      return .io(path: location, reason: "PostgreSQL: \(psql.code)")
    }
  }
}
#endif
