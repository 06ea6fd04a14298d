import ArgumentParser
import EmbeddingCore
import Foundation
import Retrieval

/// `embed index add INDEX [FILES...]`: add or update documents.
struct IndexAdd: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add",
    abstract: "Add or update documents: JSON lines, text/Markdown files, folders, or stdin.",
    discussion: """
      JSON lines hold {"id" (or "_id"), "title", "text", ...}; other keys are kept as metadata \
      (BEIR's corpus.jsonl reads as is, .gz/.xz too). A text or Markdown file is one document whose \
      id is its path. With no FILES (or "-") stdin is read: JSON lines if it starts with "{", else \
      one document with id "stdin". Documents already in the index with the same content are \
      skipped, so running the command again after an interruption resumes it; a changed document \
      replaces the old one, re-embedding only the chunks whose text changed. Each batch is one \
      transaction.
      """)

  @Argument(help: "The index file (created if absent), or a postgres:// URL (or use --store).")
  var index: String?

  @Argument(help: "Files or folders to read (default: stdin).")
  var files: [String] = []

  @OptionGroup var storeOptions: StoreOptions

  @OptionGroup var encoderOptions: IndexEncoderOptions

  @Option(help: "Chunk size in encoder tokens, for a new index.")
  var chunkTokens: Int = 256

  @Option(help: "Tokens shared by consecutive chunks, for a new index.")
  var chunkOverlap: Int = 32

  @Option(
    help: ArgumentHelp(
      "Stored vector precision, for a new index: float32, float16, int8 or binary.",
      discussion:
        "int8 calibrates an offset and scale per dimension on the first batch; binary keeps sign bits, searched by Hamming distance with the best chunks re-scored against the float query (embed search --rescore)."
    ))
  var precision: VectorPrecision?

  @Option(help: "Documents per transaction.")
  var batchSize: Int = 64

  @Option(
    help:
      "Build the HNSW graph: auto (from \(RetrievalIndex.approximateSearchThreshold) vectors), always or never."
  )
  var ann: String = "auto"

  @Flag(help: "No progress bar.")
  var quiet = false

  func run() async throws {
    let (location, files) = try storeOptions.locate((index.map { [$0] } ?? []) + self.files)
    let found = try await IndexStore.existing(location)
    let spec = try await encoderOptions.spec(recordedInIndex: found.index)
    let encoder = try spec.load()
    let idx = try await IndexStore.open(
      location, reusing: found, encoder: encoder,
      chunking: found.index != nil
        ? nil : ChunkingOptions(tokens: chunkTokens, overlap: chunkOverlap),
      create: true)
    if let precision {
      if let file = idx as? RetrievalIndex {
        try file.setPrecision(precision)
      } else if precision != .float32 {
        throw ValidationError(
          "--precision \(precision.rawValue) applies to an index file; the PostgreSQL store keeps float32 vectors (pgvector's vector type): leave --precision out"
        )
      }
    }
    if try await idx.attribute("encoder") != spec.recorded {
      try await idx.setAttribute("encoder", spec.recorded)
    }
    let documents = try readDocuments(files)
    let bar = ProgressBar(quiet: quiet)
    let start = MonotonicClock.now()
    let summary = try await idx.add(
      documents: documents, batchSize: batchSize, progress: bar.handler)
    bar.finish()
    let seconds = MonotonicClock.now() - start
    print(
      "\(summary.added) added, \(summary.replaced) replaced, \(summary.unchanged) unchanged; "
        + "\(summary.chunksEmbedded) chunks embedded, \(summary.chunksReused) reused "
        + String(
          format: "(%.1f s, %.1f docs/s)", seconds, Double(documents.count) / max(seconds, 1e-9)))
    if let built = try await IndexStore.buildApproximateIndexIfWanted(idx, ann: ann) {
      print(String(format: "HNSW index built in %.1f s", built))
    }
  }

  private func readDocuments(_ files: [String]) throws -> [RetrievalDocument] {
    let paths = files.filter { $0 != "-" }
    var docs = try DocumentFiles.read(paths: paths)
    if files.isEmpty || files.contains("-") {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      let text = String(decoding: data, as: UTF8.self)
      if text.drop(while: { $0.isWhitespace }).first == "{" {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
          docs.append(try DocumentFiles.parseJSONLine(Data(line.utf8), path: "stdin", line: i + 1))
        }
      } else if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        docs.append(DocumentFiles.textDocument(text, id: "stdin"))
      }
    }
    return docs
  }
}
