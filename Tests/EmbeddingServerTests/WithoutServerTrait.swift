#if !Server
  import Testing

  /// Stands for the server's tests when they are built without the Server trait: reported as
  /// skipped, never as passed.
  @Suite struct EmbeddingServerTestsWithoutTrait {
    @Test(.disabled("built without the Server trait: swift test --traits Server,Postgres"))
    func serverTestsNeedTheServerTrait() {}
  }
#endif
