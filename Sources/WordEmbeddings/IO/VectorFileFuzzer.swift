import EmbeddingCore
import Foundation

/// Fuzzes the loaders with damaged files.
///
/// Robustness check for the loaders (a test hook, used by the tests and `embed-bench
/// vectors-fuzz`): writes small valid files in every format, mutates them at random
/// (flipped and random bytes, truncation, inserted digits/newlines/spaces, huge header
/// numbers, NaN bit patterns, duplicated chunks) and loads each one. A loader passes if
/// every file either loads or throws an `EmbeddingError`; a crash would end the process.
///
/// ```swift
/// let summary = try _VectorFileFuzzer(seed: 1).run(files: 10_000, directory: "/tmp/fuzz")
/// ```
public struct _VectorFileFuzzer {
  /// What a run saw.
  public struct Summary: Sendable, CustomStringConvertible {
    /// Files tried.
    public var files = 0
    /// Files that loaded (then answered a query without crashing).
    public var loaded = 0
    /// Files rejected with an `EmbeddingError`, by error kind.
    public var rejected: [String: Int] = [:]
    /// Errors that were not `EmbeddingError` (should be 0).
    public var otherErrors = 0

    public var description: String {
      "files \(files), loaded \(loaded), rejected \(rejected.values.reduce(0, +)) "
        + "(\(rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), "
        + "other errors \(otherErrors)"
    }
  }

  private var rng: SeededGenerator

  /// A fuzzer with a reproducible seed.
  public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

  /// Writes the seed files, then mutates and loads `files` files in `directory`.
  public mutating func run(files: Int, directory: String) throws -> Summary {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let seeds = try makeSeeds(directory: directory)
    var summary = Summary()
    let target = (directory as NSString).appendingPathComponent("mutant")
    for i in 0..<files {
      let (format, original, vocab) = seeds[Int(rng.next() % UInt64(seeds.count))]
      let bytes = mutate(original)
      let path = target + "-\(i % 2).\(format.rawValue)"
      _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
      if let vocab {
        let vocabPath = VocabularyFile.defaultPath(for: path)
        let mutated = rng.next() % 4 == 0 ? mutate(vocab) : vocab
        _ = FileManager.default.createFile(atPath: vocabPath, contents: Data(mutated))
      }
      var options = VectorLoadOptions()
      if rng.next() % 3 == 0 { options.nonFinite = .allow }
      if rng.next() % 3 == 0 { options.invalidUTF8 = .replace }
      if rng.next() % 4 == 0 { options.limit = Int(rng.next() % 60) }
      summary.files += 1
      do {
        let forced: VectorFormat? = rng.next() % 3 == 0 ? format : nil
        let wv = try WordVectors.load(contentsOf: path, format: forced, options: options)
        if wv.count > 0 && wv.dimension > 0 && wv.dimension < 1 << 16 {
          _ = try wv.mostSimilar(to: wv.word(at: 0), topN: 3)
          _ = wv.index(of: "w1")
        }
        summary.loaded += 1
      } catch let error as EmbeddingError {
        let kind: String
        switch error {
        case .io: kind = "io"
        case .malformed: kind = "malformed"
        case .invalidArgument: kind = "invalidArgument"
        case .outOfVocabulary: kind = "outOfVocabulary"
        case .outOfMemory: kind = "outOfMemory"
        default: kind = "other"
        }
        summary.rejected[kind, default: 0] += 1
      } catch {
        summary.otherErrors += 1
      }
    }
    return summary
  }

  /// Small valid files in every format: (format, bytes, vocabulary bytes for .npy).
  private mutating func makeSeeds(directory: String) throws -> [(VectorFormat, [UInt8], [UInt8]?)] {
    let rows = 12
    let dim = 5
    var values: [Float] = []
    for _ in 0..<(rows * dim) { values.append(rng.nextFloat() * 2 - 1) }
    let words = (0..<rows).map { $0 == 3 ? "naïve" : "w\($0)" }
    let wv = try WordVectors(
      words: words, matrix: Matrix(rows: rows, columns: dim, values: values),
      counts: (0..<rows).map { 100 - $0 })
    var seeds: [(VectorFormat, [UInt8], [UInt8]?)] = []
    for format in VectorFormat.allCases {
      let path = (directory as NSString).appendingPathComponent("seed.\(format.rawValue)")
      try wv.write(to: path, format: format)
      let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
      var vocab: [UInt8]? = nil
      if format == .npy {
        vocab = try [UInt8](
          Data(contentsOf: URL(fileURLWithPath: VocabularyFile.defaultPath(for: path))))
      }
      seeds.append((format, bytes, vocab))
    }
    return seeds
  }

  private mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
    var m = _ByteMutator(seed: rng.next())
    return m.mutate(bytes)
  }
}
