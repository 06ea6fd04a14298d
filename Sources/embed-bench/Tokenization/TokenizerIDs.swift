import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench tokenizer-ids`: encodes every record of a records file and writes the IDs,
/// for `Benchmarks/tokenizer_parity.py` to compare with tiktoken.
///
/// Records file: repeated `u32 little-endian byte length` + bytes. Output: repeated
/// `u32 token count` + `u32` IDs, one group per record.
struct TokenizerIDs: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenizer-ids",
    abstract: "Encode each record of a records file (u32 length + bytes) and write the IDs.")

  @Option(help: "gpt2, r50k_base, cl100k_base or o200k_base.")
  var encoding: String = "gpt2"

  @Option(help: "Records file written by Benchmarks/tokenizer_parity.py.")
  var input: String

  @Option(help: "Where to write the IDs.")
  var output: String

  @Option(help: "Folder with the vocabularies (default: the copies shipped with EmbeddingKit).")
  var vocabularies: String?

  func run() throws {
    guard let name = EncodingName(rawValue: encoding) else {
      throw ValidationError("unknown encoding \(encoding)")
    }
    let encoder = try BytePairEncoder.named(name, directory: vocabularies)
    let data = try ByteStream.readAll(path: input)
    var out: [UInt8] = []
    out.reserveCapacity(data.count * 2)
    func put(_ value: Int) {
      let v = UInt32(value)
      out.append(UInt8(v & 0xFF))
      out.append(UInt8((v >> 8) & 0xFF))
      out.append(UInt8((v >> 16) & 0xFF))
      out.append(UInt8(v >> 24))
    }
    var i = 0
    var records = 0
    var tokens = 0
    let start = MonotonicClock.now()
    while i + 4 <= data.count {
      let length =
        Int(data[i]) | Int(data[i + 1]) << 8 | Int(data[i + 2]) << 16 | Int(data[i + 3]) << 24
      i += 4
      guard i + length <= data.count else { throw ValidationError("truncated records file") }
      let ids = encoder.encode(bytes: Array(data[i..<(i + length)]))
      i += length
      put(ids.count)
      for id in ids { put(id) }
      records += 1
      tokens += ids.count
    }
    try Data(out).write(to: URL(fileURLWithPath: output))
    let seconds = MonotonicClock.now() - start
    FileHandle.standardError.write(
      Data(
        "\(encoding): \(records) records, \(tokens) tokens in \(String(format: "%.2f", seconds)) s\n"
          .utf8))
  }
}
