#if Postgres
import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Retrieval
import Testing

@testable import RetrievalPostgres

/// The error message of `body`, which must throw an `EmbeddingError`.
private func message(_ body: () async throws -> Void) async -> String {
  do {
    try await body()
    return "no error"
  } catch let error as EmbeddingError {
    return error.description
  } catch {
    return "not an EmbeddingError: \(error)"
  }
}

/// Runs `body` in a task of its own and waits at most `seconds` for it; records an issue when it
/// does not end in time.
///
/// A store call that never returns cannot be cancelled, so it is left behind and the test fails,
/// instead of holding up the whole run until CI's time limit. Such a hang was seen: PostgresNIO
/// never answers a query written to a channel that has just closed (see `PostgresSession`).
private func endsInTime(
  _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> Void
) async throws {
  let once = Once()
  let outcome: Result<Bool, any Error> = await withCheckedContinuation { c in
    Task {
      do {
        try await body()
        if await once.claim() { c.resume(returning: .success(true)) }
      } catch {
        if await once.claim() { c.resume(returning: .failure(error)) }
      }
    }
    Task {
      try? await Task.sleep(for: .seconds(seconds))
      if await once.claim() { c.resume(returning: .success(false)) }
    }
  }
  if try !outcome.get() {
    Issue.record("\(what) did not end within \(Int(seconds)) s")
  }
}

/// True for the first caller only.
private actor Once {
  private var done = false
  func claim() -> Bool {
    defer { done = true }
    return !done
  }
}

/// A TCP port on loopback that nothing listens on (bound, then closed).
private func closedPort() -> Int {
  #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
  #endif
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = 0
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
  }
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
  }
  return Int(UInt16(bigEndian: address.sin_port))
}

@Suite struct PostgresLocationTests {
  @Test func parsesURLsAndHidesThePassword() throws {
    let l = try PostgresLocation(
      url: "postgres://me:s%40cret@db.example:6543/docs?schema=scifact", environment: [:])
    #expect(l.host == "db.example" && l.port == 6543 && l.user == "me" && l.database == "docs")
    #expect(l.password == "s@cret" && l.schema == "scifact" && l.sslMode == "prefer")
    #expect(l.description == "postgres://me@db.example:6543/docs?schema=scifact")
    let local = try PostgresLocation(
      url: "postgresql://127.0.0.1/x", environment: ["PGPASSWORD": "p"])
    #expect(local.port == 5432 && local.user == "postgres" && local.password == "p")
    #expect(local.sslMode == "disable" && local.schema == "embeddingkit")
  }

  @Test func refusesWhatIsNotAPostgresURL() {
    for bad in [
      "mysql://x@y/z", "postgres://", "postgres://h/db?schema=Bad-Name",
      "postgres://h/db?sslmode=x",
      "postgres://h/db?color=red",
    ] {
      #expect(throws: EmbeddingError.self, "\(bad)") { _ = try PostgresLocation(url: bad) }
    }
    // The password never shows in the message.
    do {
      _ = try PostgresLocation(url: "postgres://u:topsecret@h/db?color=red")
    } catch {
      #expect(!"\(error)".contains("topsecret"))
    }
  }
}

@Suite struct PostgresFaultTests {
  @Test func aServerThatIsDownIsAClearError() async {
    let url = "postgres://postgres:x@127.0.0.1:\(closedPort())/embeddingkit"
    let text = await message { try await PostgresStore.with(url: url) { _ in } }
    #expect(text.contains("cannot connect to the PostgreSQL server"), "\(text)")
    #expect(!text.contains(":x@"))
  }

  @Test(.enabled(if: PostgresTestServer.isAvailable, "needs EMBEDDINGKIT_POSTGRES_URL"))
  func aWrongPasswordOrDatabaseIsAClearError() async throws {
    let good = try PostgresLocation(url: try #require(PostgresTestServer.url))
    let base = "postgres://\(good.user)"
    let host = "@\(good.host):\(good.port)"
    let wrongPassword = await message {
      try await PostgresStore.with(url: "\(base):not-the-password\(host)/\(good.database)") { _ in }
    }
    #expect(wrongPassword.contains("authentication failed"), "\(wrongPassword)")
    let wrongDatabase = await message {
      try await PostgresStore.with(
        url: "\(base):\(good.password ?? "")\(host)/no_such_database_here"
      ) { _ in }
    }
    #expect(wrongDatabase.contains("does not exist"), "\(wrongDatabase)")
    let noIndex = await message {
      try await PostgresTestServer.withFreshStore { store in
        _ = try await StoreIndex(store: store, encoder: nil)
      }
    }
    #expect(noIndex.contains("no index here"), "\(noIndex)")
  }

  /// A statement sent on a connection that closed between two statements of one call, as when the
  /// server ends the session there, fails with the fix instead of waiting forever.
  @Test(.enabled(if: PostgresTestServer.isAvailable, "needs EMBEDDINGKIT_POSTGRES_URL"))
  func aStatementAfterTheConnectionClosedFailsAtOnce() async throws {
    try await endsInTime(30, "a statement on a closed connection") {
      try await PostgresStore.with(url: try #require(PostgresTestServer.url)) { store in
        let logger = store.logger
        let text = await message {
          try await store.run { session in
            try await session.query("SELECT 1", logger: logger)
            try await session.connection.close()
            try await session.query("SELECT 2", logger: logger)
          }
        }
        #expect(text.contains("closed the connection"), "\(text)")
        let pid = try await store._backendProcessID()
        #expect(pid > 0, "the next call connects again")
      }
    }
  }

  @Test(.enabled(if: PostgresTestServer.isAvailable, "needs EMBEDDINGKIT_POSTGRES_URL"))
  func aConnectionEndedBetweenCallsIsReopened() async throws {
    try await endsInTime(120, "the calls after the session ended") {
      try await self.connectionEndedBetweenCalls()
    }
  }

  private func connectionEndedBetweenCalls() async throws {
    try await PostgresTestServer.withFreshStore { store in
      let index = try await StoreIndex(store: store, encoder: HashingEncoder(), create: true)
      try await index.add(
        documents: [
          RetrievalDocument(id: "a", text: "Cats purr."),
          RetrievalDocument(id: "b", text: "Dogs bark."),
        ])
      let pid = try await store._backendProcessID()
      try await terminateBackend(pid)
      try await Task.sleep(nanoseconds: 200_000_000)
      // Either the first call notices the ended session (a clear error) or it reconnects at once.
      let text = await message { _ = try await index.search("cats", k: 1, mode: .hybrid) }
      #expect(
        text == "no error" || text.contains("closed the connection")
          || text.contains("shutting down"), "\(text)")
      let hits = try await index.search("cats", k: 1, mode: .hybrid)
      #expect(hits.first?.id == "a")
      #expect(try await store._backendProcessID() != pid)
    }
  }

  @Test(.enabled(if: PostgresTestServer.isAvailable, "needs EMBEDDINGKIT_POSTGRES_URL"))
  func aSessionEndedMidQueryIsAClearErrorWithoutHanging() async throws {
    try await endsInTime(120, "the calls around the ended sessions") {
      try await self.sessionEndedMidQuery()
    }
  }

  private func sessionEndedMidQuery() async throws {
    try await PostgresTestServer.withFreshStore { store in
      let index = try await StoreIndex(store: store, encoder: HashingEncoder(), create: true)
      let docs = (0..<100).map {
        RetrievalDocument(
          id: "d\($0)", text: "Note \($0) on cats, dogs and rivers number \($0 % 17).")
      }
      try await index.add(documents: docs, batchSize: 50)

      // A statement in flight when the session ends fails with the fix, at once.
      var pid = try await store._backendProcessID()
      let slow = Task {
        await message { try await store._execute(unsafeSQL: "SELECT pg_sleep(30)") }
      }
      // The other session waits until the statement runs, then ends this session.
      try await PostgresStore.with(url: try #require(PostgresTestServer.url)) { admin in
        try await admin._execute(
          unsafeSQL: """
            DO $$ BEGIN
              FOR i IN 1..400 LOOP
                PERFORM pg_stat_clear_snapshot();  -- pg_stat_activity is cached per transaction
                EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)
                                  AND state = 'active' AND query LIKE '%pg_sleep(30)%');
                PERFORM pg_sleep(0.05);
              END LOOP;
              PERFORM pg_terminate_backend(\(pid));
            END $$
            """)
      }
      let text = await slow.value
      #expect(text.contains("closed the connection") || text.contains("shutting down"), "\(text)")

      // Searches back to back while another session ends this one: each fails clearly or succeeds.
      pid = try await store._backendProcessID()
      let searches = Task { () -> [String] in
        var failures: [String] = []
        for i in 0..<60 {
          do {
            _ = try await index.search("cats rivers number \(i % 17)", k: 10, mode: .hybrid)
          } catch {
            failures.append("\(error)")
          }
        }
        return failures
      }
      try await Task.sleep(nanoseconds: 20_000_000)
      try await terminateBackend(pid)
      let failures = await searches.value
      for f in failures {
        #expect(f.contains("closed the connection") || f.contains("shutting down"), "\(f)")
      }
      #expect(failures.count < 60, "the store did not reconnect")
      #expect(try await store._backendProcessID() != pid)
      #expect(try await index.search("cats", k: 1, mode: .bm25).count == 1)
    }
  }

  /// Ends server session `pid` from another session, as a server restart or an administrator would.
  private func terminateBackend(_ pid: Int) async throws {
    try await PostgresStore.with(url: try #require(PostgresTestServer.url)) { admin in
      try await admin._execute(unsafeSQL: "SELECT pg_terminate_backend(\(pid))")
    }
  }
}

@Suite(.enabled(if: PostgresTestServer.pipeExecutable != nil, "needs embed-postgres built"))
struct PipeStoreTests {
  @Test func aStoreProgramThatCannotConnectIsAClearError() async throws {
    let program = try #require(PostgresTestServer.pipeExecutable)
    let url = "postgres://postgres:x@127.0.0.1:\(closedPort())/embeddingkit"
    do {
      _ = try PipeStore(executable: program, url: url, location: "here")
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains("cannot connect to the PostgreSQL server"), "\(error)")
    }
  }

  @Test(.enabled(if: PostgresTestServer.isAvailable, "needs EMBEDDINGKIT_POSTGRES_URL"))
  func thePipeGivesWhatTheStoreGives() async throws {
    let url = try PostgresTestServer.freshURL()
    try await PostgresStore.with(url: url) { store in
      do {
        try await PostgresTestServer.withPipeStore(url: url) { pipe in
          try await compare(pipe: pipe, direct: store)
        }
      } catch {
        try? await store._dropSchema()
        throw error
      }
      try await store._dropSchema()
    }
  }

  private func compare(pipe: PipeStore, direct store: PostgresStore) async throws {
    let viaPipe = try await StoreIndex(store: pipe, encoder: HashingEncoder(), create: true)
    let docs = (0..<30).map {
      RetrievalDocument(
        id: "d\($0)", title: "Title \($0 % 7)",
        text: "Body \($0) about cats and dogs number \($0 % 5).",
        metadata: ["n": "\($0 % 2)"])
    }
    let summary = try await viaPipe.add(documents: docs, batchSize: 8)
    #expect(summary.added == 30)
    try await viaPipe.setAttribute("encoder", "test:")
    #expect(try await viaPipe.attribute("encoder") == "test:")
    let direct = try await StoreIndex(store: store, encoder: HashingEncoder())
    let convex = SearchParameters(fusion: FusionParameters(method: .convex, depth: 3), ef: nil)
    for mode in SearchMode.allCases {
      for parameters in [SearchParameters(), convex] {
        let a = try await viaPipe.search(
          "cats number 3", k: 5, mode: mode, filter: ["n": "1"], parameters: parameters)
        let b = try await direct.search(
          "cats number 3", k: 5, mode: mode, filter: ["n": "1"], parameters: parameters)
        #expect(a == b, "\(mode) \(parameters.fusion.method)")
        #expect(!a.isEmpty)
      }
    }
    // The store's errors cross the pipe as EmbeddingError, with their message.
    do {
      _ = try await StoreIndex(
        store: pipe, encoder: nil, chunking: ChunkingOptions(tokens: 99, overlap: 1))
      Issue.record("other chunking accepted")
    } catch {
      #expect("\(error)".contains("omit the chunk options"), "\(error)")
    }
    await #expect(throws: EmbeddingError.self) {
      _ = try await StoreIndex(store: pipe, encoder: HashingEncoder(name: "other"))
    }
  }
}
#endif
