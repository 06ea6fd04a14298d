import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench wordpiece-ids`: WordPiece-encodes every record of a records file and writes the
/// IDs (and byte spans), for `Benchmarks/wordpiece_parity.py` to compare with Hugging Face.
///
/// Records file: repeated `u32 little-endian byte length` + UTF-8 bytes. Output: per record
/// `u32 count` + `count` × `u32` IDs, then with `--spans` `count` × (`u32` start, `u32` end).
/// With `--repeat N` it also times N passes one text at a time and N passes of
/// `encodeBatch` on `--threads` threads, and prints the best of each to stderr.
struct WordPieceIDs: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wordpiece-ids",
    abstract: "WordPiece-encode each record of a records file and write the IDs (and spans).")

  @Option(help: "Model directory (tokenizer.json, or vocab.txt + tokenizer_config.json).")
  var model: String

  @Option(help: "Records file written by Benchmarks/wordpiece_parity.py.")
  var input: String

  @Option(help: "Where to write the IDs.")
  var output: String

  @Option(help: "Truncate each encoding to this many IDs (default: no truncation).")
  var maxLength: Int?

  @Flag(help: "Also write the byte span of every ID.")
  var spans = false

  @Option(help: "Timed passes over all records (0: no timing).")
  var `repeat` = 0

  @Option(help: "Threads for the timed encodeBatch passes.")
  var threads = 2

  func run() throws {
    let tokenizer = try WordPieceTokenizer.load(directory: URL(fileURLWithPath: model))
    let data = try ByteStream.readAll(path: input)
    var texts: [String] = []
    var i = 0
    while i + 4 <= data.count {
      let length =
        Int(data[i]) | Int(data[i + 1]) << 8 | Int(data[i + 2]) << 16 | Int(data[i + 3]) << 24
      i += 4
      guard i + length <= data.count else { throw ValidationError("truncated records file") }
      texts.append(String(decoding: data[i..<(i + length)], as: UTF8.self))
      i += length
    }
    var out: [UInt8] = []
    out.reserveCapacity(data.count * 2)
    func put(_ value: Int) {
      let v = UInt32(truncatingIfNeeded: value)
      out.append(UInt8(v & 0xFF))
      out.append(UInt8((v >> 8) & 0xFF))
      out.append(UInt8((v >> 16) & 0xFF))
      out.append(UInt8(v >> 24))
    }
    var tokens = 0
    for text in texts {
      let encoding = tokenizer.encode(text, maxLength: maxLength)
      put(encoding.ids.count)
      for id in encoding.ids { put(Int(id)) }
      if spans {
        for span in encoding.spans {
          put(span.lowerBound)
          put(span.upperBound)
        }
      }
      tokens += encoding.ids.count
    }
    try Data(out).write(to: URL(fileURLWithPath: output))
    var report = "wordpiece: \(texts.count) records, \(tokens) ids"
    if `repeat` > 0 {
      var single = Double.infinity
      var batch = Double.infinity
      for _ in 0..<`repeat` {
        var start = Clock.now()
        var count = 0
        for text in texts { count &+= tokenizer.encode(text, maxLength: maxLength).ids.count }
        single = min(single, Clock.now() - start)
        start = Clock.now()
        let encodings = tokenizer.encodeBatch(texts, maxLength: maxLength, threads: threads)
        batch = min(batch, Clock.now() - start)
        precondition(encodings.count == texts.count && count >= texts.count)
      }
      report += String(format: "; single %.4f s, batch(%d threads) %.4f s", single, threads, batch)
    }
    FileHandle.standardError.write(Data((report + "\n").utf8))
  }
}
