#if Postgres
// embed-postgres: the PostgreSQL store process that `embed … --store postgres://…` starts.
//
// It reads the store URL from EMBEDDINGKIT_STORE_URL, opens the store, writes one ready line, then
// answers StorePipe requests (one JSON line each on stdin) with one JSON line each on stdout, until
// stdin closes. It lives apart from `embed` so that `embed` never links SwiftNIO.
import EmbeddingCore
import Foundation
import Retrieval
import RetrievalPostgres

func writeLine(_ data: Data) {
  var line = data
  line.append(10)
  FileHandle.standardOutput.write(line)
}

if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "bench" {
  try await StoreBenchmark.run(Array(CommandLine.arguments.dropFirst(2)))
  exit(0)
}

guard let url = ProcessInfo.processInfo.environment["EMBEDDINGKIT_STORE_URL"] else {
  FileHandle.standardError.write(
    Data(
      """
      embed-postgres serves a PostgreSQL retrieval index to `embed`; run it through
        embed index add|remove|info --store postgres://user@host:port/db …
        embed search --store postgres://user@host:port/db "query"

      """.utf8))
  exit(2)
}

let store: PostgresStore
do {
  store = try await PostgresStore(url: url)
} catch {
  writeLine(StorePipe.failure(error))
  exit(1)
}
writeLine(Data("{}".utf8))
while let line = readLine(strippingNewline: true) {
  if line.isEmpty { continue }
  writeLine(await StorePipe.handle(line: Data(line.utf8), store: store))
}
await store.close()
#else
import Foundation

// Built without the Postgres trait: the store's packages (PostgresNIO, swift-nio-ssl) were not
// resolved, so this binary only says how to build the real one.
FileHandle.standardError.write(
  Data(
    """
    embed-postgres was built without the Postgres trait, so it cannot open a PostgreSQL store.
    Build it with:
      swift build -c release --traits Postgres --product embed-postgres
    then run the command again.

    """.utf8))
exit(2)
#endif
