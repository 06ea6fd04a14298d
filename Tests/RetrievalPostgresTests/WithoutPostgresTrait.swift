#if !Postgres
  import Testing

  /// Stands for the PostgreSQL store's tests when they are built without the Postgres trait:
  /// reported as skipped, never as passed.
  @Suite struct RetrievalPostgresTestsWithoutTrait {
    @Test(.disabled("built without the Postgres trait: swift test --traits Server,Postgres"))
    func postgresTestsNeedThePostgresTrait() {}
  }
#endif
