#if !Server
  import Foundation

  /// `embed-server` built without the Server trait: SwiftNIO and Hummingbird were not resolved, so
  /// this binary only prints the command that builds the real server, and fails.
  @main
  enum EmbedServerWithoutTrait {
    static func main() {
      FileHandle.standardError.write(
        Data(
          """
          embed-server was built without the Server trait (the HTTP server's packages are opt-in).
          Build it with:
            swift build -c release --traits Server --product embed-server
          then run .build/release/embed-server (or `embed serve`) again.

          """.utf8))
      exit(2)
    }
  }
#endif
