// swift-tools-version: 6.1
// EmbeddingKit: text to tokens to token IDs to embedding vectors, in Swift.
//
// Opt-in native build: `EMBEDDINGKIT_NATIVE=1 swift build -c release` compiles the
// library targets for the build machine's CPU (`-march=native` equivalent). The
// default build uses no unsafe flags so the package stays usable as a dependency.
//
// Package traits keep the first build small: `swift build` / `swift run embed` resolve only the
// packages `embed` needs. The HTTP server and the PostgreSQL store are opt-in:
//   swift build -c release --traits Server --product embed-server
//   swift build -c release --traits Postgres --product embed-postgres
//   swift test --traits Server,Postgres        # the full suite (what CI runs)
// Without its trait, embed-server / embed-postgres build as a stub that prints that command.
import Foundation
import PackageDescription

let native = ProcessInfo.processInfo.environment["EMBEDDINGKIT_NATIVE"] == "1"
let kernelSettings: [SwiftSetting] =
  native
  ? [
    .unsafeFlags(["-Xcc", "-march=native", "-target-cpu", "native"]),
    .define("EMBEDDINGKIT_NATIVE"),
  ]
  : []

/// Dependencies on the server's and the PostgreSQL store's packages apply only with their trait.
let server = TargetDependencyCondition.when(traits: ["Server"])
let postgres = TargetDependencyCondition.when(traits: ["Postgres"])

let package = Package(
  name: "EmbeddingKit",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "EmbeddingKit", targets: ["EmbeddingKit"]),
    .executable(name: "embed", targets: ["embed"]),
    .executable(name: "embed-bench", targets: ["embed-bench"]),
    // The HTTP server is its own product so that `embed` never builds SwiftNIO/Hummingbird.
    .library(name: "EmbeddingServer", targets: ["EmbeddingServer"]),
    .executable(name: "embed-server", targets: ["embed-server"]),
    // The PostgreSQL store is its own product for the same reason: `embed` never builds PostgresNIO and
    // launches embed-postgres for `--store postgres://…`.
    .library(name: "RetrievalPostgres", targets: ["RetrievalPostgres"]),
    .executable(name: "embed-postgres", targets: ["embed-postgres"]),
  ],
  traits: [
    .trait(
      name: "Server",
      description: "The HTTP server (EmbeddingServer, embed-server): SwiftNIO, Hummingbird, Prometheus"),
    .trait(
      name: "Postgres",
      description: "The PostgreSQL + pgvector store (RetrievalPostgres, embed-postgres): PostgresNIO"),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // Library: Heap (BPE trainer's merge queue), atomics (counters, flags), SHA-256 (vocabulary
    // checks). swift-crypto 3.x or 4.x: the server's dependencies already pin 4.x.
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
    .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    // Server only (EmbeddingServer, embed-server), trait Server: never a dependency of `embed`.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    // PostgreSQL store only (RetrievalPostgres, embed-postgres), trait Postgres.
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
  ],
  targets: [
    // C system libraries that ship with the OS image (zlib for .gz, liblzma for .xz).
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .systemLibrary(name: "CLZMA", path: "Sources/CLZMA"),

    // Matrix-product micro-kernels: C functions carrying target("avx2,fma") / target("avx512f,...")
    // attributes, chosen at run time by CPU detection (no compiler flags needed).
    .target(name: "CEmbeddingKernels", path: "Sources/CEmbeddingKernels"),
    .target(
      name: "EmbeddingCore",
      dependencies: [
        "CZlib", "CLZMA", "CEmbeddingKernels", .product(name: "Atomics", package: "swift-atomics"),
      ],
      swiftSettings: kernelSettings),
    .target(
      name: "Tokenization",
      dependencies: [
        "EmbeddingCore", "CEmbeddingKernels", .product(name: "Atomics", package: "swift-atomics"),
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      resources: [.copy("Resources")], swiftSettings: kernelSettings),
    .target(
      name: "WordEmbeddings", dependencies: ["EmbeddingCore"], swiftSettings: kernelSettings),
    // Header-only C helper (a cache prefetch hint) for the Word2Vec training loop.
    .target(name: "CWord2VecSupport", path: "Sources/CWord2VecSupport"),
    .target(
      name: "Word2Vec",
      dependencies: [
        "EmbeddingCore", "WordEmbeddings", "CWord2VecSupport",
        .product(name: "Atomics", package: "swift-atomics"),
      ],
      swiftSettings: kernelSettings),
    .target(
      name: "InputEmbeddings", dependencies: ["EmbeddingCore", "Tokenization", "WordEmbeddings"],
      swiftSettings: kernelSettings),
    .target(
      name: "Projection", dependencies: ["EmbeddingCore", "WordEmbeddings", "CZlib"],
      swiftSettings: kernelSettings),
    // BERT-family sentence encoders (model folders, the transformer, pooling, quantised outputs).
    .target(
      name: "SentenceEmbeddings", dependencies: ["EmbeddingCore", "Tokenization"],
      swiftSettings: kernelSettings),
    // Retrieval index: chunking, SQLite store (GRDB, FTS5), BM25 / dense / hybrid search, BEIR metrics.
    .target(
      name: "Retrieval",
      dependencies: ["EmbeddingCore", .product(name: "GRDB", package: "GRDB.swift")],
      swiftSettings: kernelSettings),
    // The retrieval index in PostgreSQL + pgvector (PostgresNIO); `embed` reaches it through embed-postgres.
    .target(
      name: "RetrievalPostgres",
      dependencies: [
        "EmbeddingCore", "Retrieval",
        .product(name: "PostgresNIO", package: "postgres-nio", condition: postgres),
        .product(name: "NIOSSL", package: "swift-nio-ssl", condition: postgres),
        .product(name: "Logging", package: "swift-log", condition: postgres),
      ]),
    .executableTarget(
      name: "embed-postgres", dependencies: ["Retrieval", "RetrievalPostgres"]),
    .target(
      name: "DocumentVectors",
      dependencies: [
        "EmbeddingCore", "WordEmbeddings", "Word2Vec", "Tokenization", "SentenceEmbeddings",
        "Projection",
      ],
      swiftSettings: kernelSettings),
    .target(
      name: "EmbeddingKit",
      dependencies: [
        "EmbeddingCore", "Tokenization", "WordEmbeddings", "Word2Vec", "InputEmbeddings",
        "Projection", "SentenceEmbeddings", "DocumentVectors",
      ]),

    .executableTarget(
      name: "embed",
      dependencies: [
        "EmbeddingKit", "Retrieval",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      resources: [.copy("Resources")]),
    .executableTarget(
      name: "embed-bench",
      dependencies: [
        "EmbeddingKit", "Retrieval",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // OpenAI-compatible HTTP server (Hummingbird 2): embeddings, models, health, metrics, batching.
    .target(
      name: "EmbeddingServer",
      dependencies: [
        "EmbeddingCore", "Tokenization",
        .product(name: "Hummingbird", package: "hummingbird", condition: server),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: server),
        .product(name: "Logging", package: "swift-log", condition: server),
        .product(name: "Prometheus", package: "swift-prometheus", condition: server),
        .product(name: "NIOCore", package: "swift-nio", condition: server),
        .product(name: "HTTPTypes", package: "swift-http-types", condition: server),
      ]),
    .executableTarget(
      name: "embed-server",
      dependencies: [
        "EmbeddingServer", "SentenceEmbeddings", "Retrieval",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log", condition: server),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: server),
      ]),

    // Helpers shared by the test targets (locating ../shared/data, temp files).
    .target(name: "EmbeddingTestSupport", dependencies: ["EmbeddingCore"], path: "Tests/Support"),

    .testTarget(
      name: "EmbeddingCoreTests",
      dependencies: ["EmbeddingCore", "CEmbeddingKernels", "EmbeddingTestSupport"]),
    .testTarget(
      name: "TokenizationTests", dependencies: ["Tokenization", "EmbeddingTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "WordEmbeddingsTests", dependencies: ["WordEmbeddings", "EmbeddingTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "Word2VecTests", dependencies: ["Word2Vec", "EmbeddingTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "InputEmbeddingsTests", dependencies: ["InputEmbeddings", "EmbeddingTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "SentenceEmbeddingsTests",
      dependencies: ["SentenceEmbeddings", "EmbeddingTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "DocumentVectorsTests",
      dependencies: ["DocumentVectors", "SentenceEmbeddings", "EmbeddingTestSupport"]),
    .testTarget(name: "ProjectionTests", dependencies: ["Projection", "EmbeddingTestSupport"]),
    .testTarget(
      name: "EmbeddingServerTests",
      dependencies: [
        "EmbeddingServer", "Tokenization", "EmbeddingTestSupport",
        .product(name: "Logging", package: "swift-log", condition: server),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: server),
      ]),
    .testTarget(
      name: "RetrievalTests", dependencies: ["Retrieval", "EmbeddingTestSupport"]),
    .testTarget(
      name: "RetrievalPostgresTests",
      dependencies: ["Retrieval", "RetrievalPostgres", "EmbeddingTestSupport"]),
    .testTarget(
      name: "EmbedCLITests", dependencies: ["embed", "EmbeddingTestSupport"]),
  ]
)
