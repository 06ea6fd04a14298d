import EmbeddingCore
import Foundation

/// A byte-level BPE tokenizer that gives exactly tiktoken's token IDs.
///
/// An encoder is a rank table (byte sequence → token ID), a pre-tokenization pattern and a
/// set of special tokens. Load OpenAI's encodings by name, or build one from any rank table:
///
/// ```swift
/// let gpt2 = try BytePairEncoder.named(.gpt2)
/// let ids = try gpt2.encode("Hello, world!")      // [15496, 11, 995, 0]
/// let text = try gpt2.decodeText(ids)              // "Hello, world!"
/// let n = try gpt2.countTokens("Hello, world!")    // 4
/// ```
///
/// Encoders are immutable and thread-safe; share one between threads freely.
public final class BytePairEncoder: Sendable {
  /// The encoding's name (`"gpt2"`, `"cl100k_base"`, …).
  public let name: String
  /// How text is cut into pieces before merging.
  public let preTokenizer: PreTokenizer
  /// Special tokens by text, for example `["<|endoftext|>": 50256]`.
  public let specialTokens: [String: Int]
  /// One more than the largest token ID (tiktoken's `n_vocab`).
  public let vocabularySize: Int

  let table: RankTable
  let specials: SpecialTokens
  let workspaces = WorkspacePool()

  /// Creates an encoder from mergeable ranks and special tokens.
  ///
  /// - Parameters:
  ///   - ranks: every mergeable token's bytes and rank (its ID); all 256 single bytes must be
  ///     present so that any input can be encoded.
  ///   - specialTokens: special token text → ID; IDs must not collide with ranks.
  /// - Throws: `EmbeddingError.invalidArgument` for duplicate tokens or IDs, or a missing byte.
  public convenience init(
    name: String, preTokenizer: PreTokenizer, ranks: [(bytes: [UInt8], rank: Int)],
    specialTokens: [String: Int]
  ) throws {
    try self.init(
      name: name, preTokenizer: preTokenizer, table: RankTable(tokens: ranks),
      specialTokens: specialTokens)
  }

  init(name: String, preTokenizer: PreTokenizer, table: RankTable, specialTokens: [String: Int])
    throws
  {
    for byte in 0..<256 where table.byteRanks[byte] == RankTable.absent {
      throw EmbeddingError.invalidArgument(
        "the vocabulary lacks the single byte 0x\(String(byte, radix: 16)); byte-level BPE "
          + "needs all 256 bytes as tokens")
    }
    for (text, id) in specialTokens where table.bytes(of: id) != nil {
      throw EmbeddingError.invalidArgument("special token \(text) reuses the ID \(id) of a token")
    }
    self.name = name
    self.preTokenizer = preTokenizer
    self.table = table
    self.specialTokens = specialTokens
    self.specials = SpecialTokens(specialTokens)
    self.vocabularySize = max(table.rankLimit, (specialTokens.values.max() ?? -1) + 1)
    _ = ScalarClassTable.shared  // build the Unicode table now, not inside a timed encode
  }

  /// The number of mergeable (non-special) tokens.
  public var mergeableTokenCount: Int { table.count }

  /// The bytes of every mergeable token and its rank, in rank order (for saving).
  public var mergeableRanks: [(bytes: [UInt8], rank: Int)] {
    (0..<table.rankLimit).compactMap { rank in
      table.bytes(of: rank).map { (Array($0), rank) }
    }
  }
}

/// Per-thread scratch memory for encoding, pooled so repeated calls reuse it.
final class Workspace {
  /// Pieces cut (and prefetched) ahead of their lookup in the encoder's hot loop.
  ///
  /// At most 64: a block's multi-token pieces are the bits of a `UInt64`. With the o200k rules
  /// cutting faster, 64 encoded o200k_base 5-11% faster than 16 (in-process A/B, 20 MB), gpt2
  /// and cl100k_base 0-5%; 128 gave no more.
  static let pieceBlock = 64
  /// A block whose ranks are looked up and whose tokens are not yet written: its first byte,
  /// its piece count, a bit per piece that is not one token, and which half of the block
  /// buffers holds it (0 or `pieceBlock`).
  struct Block {
    var start: Int
    var cut: Int
    var multiToken: UInt64
    var half: Int
  }

  /// Where piece `k` of a block starting at `blockStart` starts, given the pieces' `ends`.
  @inline(__always)
  static func pieceStart(_ k: Int, _ ends: UnsafeMutablePointer<Int>, _ blockStart: Int) -> Int {
    k == 0 ? blockStart : ends[k &- 1]
  }
  let scratch = MergeScratch()
  let cache = PieceCache()
  /// Two blocks' worth (the encoder writes one block's tokens while the next is looked up):
  /// the pieces' ends, their ranks (`RankTable.absent` for a piece that is not one token), and
  /// the bytes of pieces of up to 16 bytes packed in two words.
  let pieceEnds = UnsafeMutablePointer<Int>.allocate(capacity: 2 * Workspace.pieceBlock)
  let pieceRanks = UnsafeMutablePointer<UInt32>.allocate(capacity: 2 * Workspace.pieceBlock)
  let pieceWords = UnsafeMutablePointer<(UInt64, UInt64)>.allocate(
    capacity: 2 * Workspace.pieceBlock)
  /// The first rank slot of each piece of the block being looked up.
  let pieceSlots = UnsafeMutablePointer<Int>.allocate(capacity: Workspace.pieceBlock)
  /// IDs of a short text, before they are copied into an array of the exact size.
  private var output = UnsafeMutablePointer<Int>.allocate(capacity: 0)
  private var outputCapacity = 0

  /// The output buffer, with room for at least `capacity` IDs (its contents are not kept).
  func outputBuffer(capacity: Int) -> UnsafeMutablePointer<Int> {
    if capacity > outputCapacity {
      output.deallocate()
      outputCapacity = max(capacity, outputCapacity * 2, 1024)
      output = .allocate(capacity: outputCapacity)
    }
    return output
  }

  init() {
    precondition(Self.pieceBlock <= UInt64.bitWidth, "a block's pieces are the bits of a UInt64")
  }

  deinit {
    output.deallocate()
    pieceEnds.deallocate()
    pieceRanks.deallocate()
    pieceWords.deallocate()
    pieceSlots.deallocate()
  }
}

/// A lock-protected stack of workspaces.
final class WorkspacePool: @unchecked Sendable {
  private let lock = NSLock()
  private var free: [Workspace] = []

  /// Runs `body` with a workspace no other thread is using.
  @inline(__always)
  func with<R>(_ body: (Workspace) throws -> R) rethrows -> R {
    lock.lock()
    let workspace = free.popLast() ?? Workspace()
    lock.unlock()
    defer {
      lock.lock()
      if free.count < 64 { free.append(workspace) }
      lock.unlock()
    }
    return try body(workspace)
  }
}
