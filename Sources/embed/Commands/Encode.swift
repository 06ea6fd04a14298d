import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed encode --model DIR [TEXT …] [-f FILE] [-o OUT]`: sentence vectors.
struct Encode: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Turn texts into sentence vectors with a sentence-transformers or a static model.",
    discussion: """
      Without --model, uses the static model shipped with embed (distilled from \
      all-MiniLM-L6-v2 by `embed distill`: 160 dims, no download, hundreds of times faster than \
      the transformer); --model FILE.eks uses another static model. Otherwise runs a BERT-family sentence-transformers model folder (config.json, model.safetensors, \
      vocab.txt or tokenizer.json, modules.json…) in Swift and gives the vectors \
      sentence-transformers gives. Texts come from the arguments, or one per line from -f \
      FILE (plain, .gz or .xz), or from standard input when neither is given. Files are read \
      and encoded in chunks (--chunk), so memory stays bounded for any number of lines (except \
      for .ekv, which is written at the end).

      Output by extension: .npy (rows in input order), .ekv (EmbeddingKit's native vectors, \
      keyed by text), .jsonl ({"text", "vector"} per line); default: JSON lines on stdout. \
      --precision int8/uint8 uses per-dimension ranges (min and max) computed on the first \
      chunk, as sentence-transformers' quantize_embeddings does on the embeddings it is given; \
      binary/ubinary pack the signs 8 per byte.

      Inputs longer than the model's max_seq_length tokens are truncated like \
      sentence-transformers; the count is reported on stderr.

      Examples:
        embed encode "A cat sat on the mat." "Dogs bark."
        embed encode --model all-MiniLM-L6-v2 "A cat sat on the mat." "Dogs bark."
        embed encode --model ~/models/all-MiniLM-L6-v2 -f sentences.txt -o vectors.npy
        embed encode --model e5-small --role query --prompt "query: " -f queries.txt -o q.jsonl
        embed encode --model all-MiniLM-L6-v2 -f docs.txt -o d.npy --dimensions 128 --precision int8
      """)

  @Argument(help: "Texts to encode.")
  var texts: [String] = []

  @Option(
    name: [.short, .customLong("file")], help: "A file with one text per line ('-' = stdin).")
  var file: String?

  @Option(
    name: .shortAndLong, help: "Output file (.npy, .ekv, .jsonl). Default: JSON lines on stdout.")
  var output: String?

  @Option(help: "float32, float16, int8, uint8, binary or ubinary.")
  var precision: String = "float32"

  @Option(help: "Texts read and encoded at a time from a file.")
  var chunk: Int = 4096

  @Flag(help: "No progress bar.")
  var quiet = false

  @OptionGroup var model: SentenceModelOptions

  func run() throws {
    guard let precision = EmbeddingPrecision(rawValue: precision) else {
      throw ValidationError(
        "--precision must be one of \(EmbeddingPrecision.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    guard chunk >= 1 else { throw ValidationError("--chunk must be at least 1") }
    let loaded = try model.loadEncoder()
    let encoder = loaded.encoder
    let role = try model.textRole()
    let sink = try EmbeddingOutput(path: output, precision: precision)
    let bar = ProgressBar(quiet: quiet || output == nil && texts.count < 100)
    let start = MonotonicClock.now()
    var total = 0
    var truncated = 0
    func encodeChunk(_ chunk: [String]) throws {
      let result = try loaded.embed(chunk, role: role)
      try sink.write(texts: chunk, vectors: result.vectors)
      total += chunk.count
      truncated += result.truncated
      bar.draw(
        ProgressReport(
          stage: "encode", completed: total, total: nil, unit: "texts",
          elapsed: MonotonicClock.now() - start
        ))
    }
    if !texts.isEmpty { try encodeChunk(texts) }
    if file != nil || texts.isEmpty {
      let lines = try LineReader(path: file ?? "-")
      var pending: [String] = []
      while let line = try lines.next() {
        var bytes = line.bytes
        if bytes.last == 0x0D { bytes = bytes.dropLast() }
        if line.isPartial {
          // An over-long line: keep its first piece (the encoder truncates it anyway).
          pending.append(String(decoding: bytes, as: UTF8.self))
          while let rest = try lines.next(), rest.isPartial {}
        } else {
          pending.append(String(decoding: bytes, as: UTF8.self))
        }
        if pending.count >= chunk {
          try encodeChunk(pending)
          pending.removeAll(keepingCapacity: true)
        }
      }
      if !pending.isEmpty { try encodeChunk(pending) }
    }
    try sink.finish()
    bar.finish()
    let seconds = MonotonicClock.now() - start
    var summary =
      "encoded \(total) texts × \(encoder.dimension) dims in \(String(format: "%.2f", seconds)) s "
      + "(\(String(format: "%.0f", Double(total) / max(seconds, 1e-9))) texts/s); "
      + "\(truncated) truncated to \(loaded.tokenLimit) tokens"
    if let output { summary += "; wrote \(output)" }
    if let ranges = sink.calibration {
      summary +=
        "; \(precision) ranges from the first \(min(total, chunk)) texts "
        + "(min \(String(format: "%.4f", ranges.min.min() ?? 0)), max \(String(format: "%.4f", ranges.max.max() ?? 0)))"
    }
    if !quiet { Terminal.note(summary) }
  }
}
