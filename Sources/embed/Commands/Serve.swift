import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `embed serve …`: starts `embed-server` (the HTTP server, a separate product) if it was built next to
/// `embed`, else says how to build it.
///
/// The server lives in its own product so that building `embed` never builds SwiftNIO and Hummingbird.
struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve embeddings over HTTP with OpenAI's API (runs embed-server).",
    discussion: """
      The server is the separate product embed-server, so that `embed` builds without SwiftNIO. Build it \
      once, then `embed serve` passes every argument on to it:

        swift build -c release --traits Server --product embed-server
        embed serve --model all-MiniLM-L6-v2 --port 8080 --api-key secret
        .build/release/embed-server --help          # every setting, env var and config-file key
      """)

  @Argument(
    parsing: .allUnrecognized, help: "Arguments for embed-server (see embed-server --help).")
  var arguments: [String] = []

  func run() throws {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    let server = executable.deletingLastPathComponent().appendingPathComponent("embed-server").path
    guard FileManager.default.isExecutableFile(atPath: server) else {
      throw ValidationError(
        """
        embed-server is not built next to \(executable.path). Build it (a few minutes: it brings \
        SwiftNIO and Hummingbird) with `swift build -c release --traits Server --product embed-server`, then run \
        `embed serve \(arguments.joined(separator: " "))` again or .build/release/embed-server directly.
        """)
    }
    let argv = [server] + arguments
    var cArguments = argv.map { strdup($0) }
    cArguments.append(nil)
    execv(server, cArguments)
    throw ValidationError("could not start \(server): \(String(cString: strerror(errno)))")
  }
}
