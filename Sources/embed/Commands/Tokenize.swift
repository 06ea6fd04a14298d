import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed tokenize`: text → tokens → token IDs (and back with --decode).
struct Tokenize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Split text into tokens and token IDs (tiktoken-identical BPE or the book's words).",
    discussion: """
      Text comes from the arguments, from --file (repeatable; '-' is standard input; .gz/.xz \
      are read directly), or from standard input when neither is given. Output is one line of \
      token IDs per input (default), the tokens themselves (--tokens), or only their number \
      (--count). --decode reads token IDs instead and prints the text.

      Encodings: gpt2 (= r50k_base), cl100k_base (GPT-3.5/4), o200k_base (GPT-4o) give exactly \
      tiktoken's IDs; their vocabularies ship with EmbeddingKit. 'words' is the word-level \
      tokenizer of chapter 2 of "Build a Large Language Model (From Scratch)": its vocabulary \
      comes from --vocab (one token per line) or is built from the input itself (--decode \
      needs --vocab). With --vocab, --tokens prints the tokens as encoded: a word missing from \
      the vocabulary shows as <|unk|>.

      Special tokens (like <|endoftext|>) in the text are an error by default, as in tiktoken: \
      --allow-special all (or a comma-separated list of the encoding's special tokens) encodes \
      them as special tokens, --special-as-text encodes them as ordinary text. Both together: \
      the listed tokens are special, every other one is text (so not with 'all').

      Examples:
        embed tokenize "Hello, world!"                          # 15496 11 995 0
        embed tokenize --tokens --encoding cl100k_base "Hello, world!"
        embed tokenize --count --file book.txt.gz --encoding o200k_base
        echo "15496 11 995 0" | embed tokenize --decode
        embed tokenize --encoding words --tokens "Hello, world. Is this-- a test?"
        embed tokenize --encoding words --vocab vocab.txt --file story.txt
        embed tokenize --vocab mine.tiktoken --pattern gpt2 "text"  # from train-bpe
        embed tokenize --allow-special all "one<|endoftext|>two"
      """)

  @Argument(help: "Text to tokenize (joined with spaces). Omit to read --file or standard input.")
  var text: [String] = []

  @Option(
    name: [.short, .customLong("file")], help: "A file to tokenize ('-' = stdin); repeatable.")
  var files: [String] = []

  @Option(help: "Tokenizer: a tiktoken-identical BPE encoding, or the book's word tokenizer.")
  var encoding: TokenizerChoice = .gpt2

  @Option(
    help: """
      A vocabulary file: one token per line for --encoding words, or a .tiktoken file \
      (for example from train-bpe) for BPE with --pattern.
      """)
  var vocab: String?

  @Option(help: "Pre-tokenizer for a --vocab .tiktoken file.")
  var pattern: PreTokenizer = .gpt2

  @Option(
    help:
      "Folder with the BPE vocabularies (default: $EMBEDDINGKIT_TOKENIZERS, then the copies shipped with EmbeddingKit)."
  )
  var vocabularies: String?

  @Flag(help: "Print the tokens (quoted, bytes that are not UTF-8 as \\xNN) instead of IDs.")
  var tokens = false

  @Flag(help: "Print only the number of tokens.")
  var count = false

  @Flag(help: "Read token IDs (separated by spaces, commas or newlines) and print the text.")
  var decode = false

  @Option(help: "Special tokens to encode as such: 'all' or a comma-separated list.")
  var allowSpecial: String?

  @Flag(help: "Encode special-token text (like <|endoftext|>) as ordinary text.")
  var specialAsText = false

  @Option(help: "With --encoding words and no --vocab: save the vocabulary built from the input.")
  var saveVocab: String?

  func validate() throws {
    if [tokens, count, decode].filter({ $0 }).count > 1 {
      throw ValidationError("choose at most one of --tokens, --count, --decode")
    }
    if encoding == .words {
      if decode && vocab == nil {
        throw ValidationError(
          "--decode --encoding words needs the vocabulary the IDs came from: --vocab FILE")
      }
      if allowSpecial != nil || specialAsText {
        throw ValidationError(
          "--allow-special and --special-as-text apply to BPE encodings; the word tokenizer "
            + "always encodes <|endoftext|> and <|unk|> as its special tokens")
      }
    } else if saveVocab != nil {
      throw ValidationError("--save-vocab applies to --encoding words")
    }
    if specialAsText && allowSpecial?.lowercased() == "all" {
      throw ValidationError(
        "--special-as-text with --allow-special all: choose one (all special tokens are either "
          + "special or text); or list the ones to keep special: --allow-special '<|endoftext|>'")
    }
  }

  /// The special tokens `--allow-special` names, checked against the encoder's.
  func allowedSpecial(for encoder: BytePairEncoder) throws -> SpecialTokenSet {
    guard let allowSpecial else { return .none }
    if allowSpecial.lowercased() == "all" { return .all }
    let names = allowSpecial.split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let unknown = names.filter { encoder.specialTokens[$0] == nil }
    guard unknown.isEmpty else {
      let known = encoder.specialTokens.keys.sorted()
      throw ValidationError(
        "--allow-special: \(unknown.joined(separator: ", ")) "
          + "\(unknown.count == 1 ? "is not a special token" : "are not special tokens") of "
          + "\(encoder.name); "
          + (known.isEmpty ? "it has none" : "its special tokens: \(known.joined(separator: ", "))")
      )
    }
    return .some(Set(names))
  }

  func run() throws {
    if text.isEmpty && files.isEmpty && isatty(0) != 0 {
      throw ValidationError(
        "nothing to tokenize: give text as arguments, --file FILE, or pipe text into standard input"
      )
    }
    try OutputPaths.check([("--save-vocab", saveVocab)], inputs: files + [vocab])
    let output = BufferedOutput()
    defer { output.flush() }
    if encoding == .words {
      try runWords(output)
    } else {
      try runBytePair(output)
    }
  }

  // MARK: - Inputs

  /// The inputs: the arguments as one text, then each file; stdin if there is nothing else.
  private var inputs: [Input] {
    var result: [Input] = []
    if !text.isEmpty { result.append(.text(text.joined(separator: " "))) }
    result += files.map { .file($0) }
    if result.isEmpty { result.append(.file("-")) }
    return result
  }

  private enum Input {
    case text(String)
    case file(String)

    func readAll() throws -> String {
      switch self {
      case .text(let text): return text
      case .file(let path):
        return String(decoding: try ByteStream.readAll(path: path), as: UTF8.self)
      }
    }
  }

  // MARK: - BPE

  private func runBytePair(_ output: BufferedOutput) throws {
    let encoder: BytePairEncoder
    if let vocab {
      encoder = try BytePairEncoder.load(
        tiktokenFile: vocab, preTokenizer: pattern, specialTokens: [:])
    } else {
      encoder = try BytePairEncoder.named(encoding.bytePair ?? .gpt2, directory: vocabularies)
    }
    let allowed = try allowedSpecial(for: encoder)
    let disallowed: SpecialTokenSet = specialAsText ? .none : .all
    for input in inputs {
      if decode {
        let ids = try Self.parseIDs(try input.readAll())
        output.write(try encoder.decode(ids))
        output.write("\n")
        continue
      }
      var total = 0
      var first = true
      let emit: ([Int]) throws -> Void = { ids in
        total += ids.count
        if count { return }
        for id in ids {
          if !first { output.write(" ") }
          first = false
          if tokens {
            output.write(Self.quoted(try encoder.tokenBytes(id)))
          } else {
            output.write(String(id))
          }
        }
      }
      switch input {
      case .text(let text):
        try emit(try encoder.encode(text, allowedSpecial: allowed, disallowedSpecial: disallowed))
      case .file(let path):
        try encoder.encode(
          stream: ByteStream(path: path), allowedSpecial: allowed, disallowedSpecial: disallowed,
          onTokens: emit)
      }
      output.write(count ? "\(total)\n" : "\n")
    }
  }

  // MARK: - Words

  private func runWords(_ output: BufferedOutput) throws {
    let texts = try inputs.map { try $0.readAll() }
    let vocabulary: Vocabulary
    if let vocab {
      vocabulary = try Vocabulary.load(path: vocab)
    } else {
      vocabulary = Vocabulary(buildingFrom: texts.joined(separator: "\n"))
      if let saveVocab {
        try vocabulary.save(to: saveVocab)
        Terminal.note("saved a vocabulary of \(vocabulary.count) tokens to \(saveVocab)")
      }
    }
    let tokenizer = WordTokenizer(vocabulary: vocabulary)
    for text in texts {
      if decode {
        output.write(try tokenizer.decode(try Self.parseIDs(text)))
      } else if count {
        output.write(String(WordTokenizer.split(text).count))
      } else if tokens {
        output.write(
          try Self.encodedTokens(text, tokenizer).map { Self.quoted(Array($0.utf8)) }
            .joined(separator: " "))
      } else {
        output.write(try tokenizer.encode(text).map(String.init).joined(separator: " "))
      }
      output.write("\n")
    }
  }

  /// The tokens `tokenizer` encodes `text` to: a word missing from its vocabulary is
  /// `<|unk|>`, as its ID says.
  static func encodedTokens(_ text: String, _ tokenizer: WordTokenizer) throws -> [String] {
    try tokenizer.encode(text).map { tokenizer.vocabulary.token(for: $0) ?? Vocabulary.unknown }
  }

  // MARK: - Formatting

  static func parseIDs(_ text: String) throws -> [Int] {
    try text.split(whereSeparator: {
      $0 == " " || $0 == "," || $0.isNewline || $0 == "\t" || $0 == "[" || $0 == "]"
    })
    .map { field in
      guard let id = Int(field) else {
        throw ValidationError("'\(field)' is not a token ID (--decode reads integers)")
      }
      return id
    }
  }

  /// A token's bytes as a quoted string: UTF-8 text with \n, \t, \r, \", \\ escaped, other
  /// bytes that are not valid UTF-8 as \xNN.
  static func quoted(_ bytes: [UInt8]) -> String {
    var out = "\""
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      let sequence = Self.sequenceLength(bytes, i)
      if sequence == 0 {
        out += String(format: "\\x%02X", b)
        i += 1
        continue
      }
      let scalarText = String(decoding: bytes[i..<(i + sequence)], as: UTF8.self)
      switch scalarText {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      default:
        if sequence == 1 && (b < 0x20 || b == 0x7F) {
          out += String(format: "\\x%02X", b)
        } else {
          out += scalarText
        }
      }
      i += sequence
    }
    return out + "\""
  }

  /// Length of the valid UTF-8 sequence at `i`, or 0.
  static func sequenceLength(_ bytes: [UInt8], _ i: Int) -> Int {
    let b = bytes[i]
    let length: Int
    switch b {
    case 0..<0x80: return 1
    case 0xC2...0xDF: length = 2
    case 0xE0...0xEF: length = 3
    case 0xF0...0xF4: length = 4
    default: return 0
    }
    guard i + length <= bytes.count,
      String(validating: bytes[i..<(i + length)], as: UTF8.self) != nil
    else { return 0 }
    return length
  }
}

/// Buffered standard output (token IDs of a large file are many small writes).
final class BufferedOutput {
  private var buffer: [UInt8] = []

  func write(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  func write(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { flush() }
  }

  func flush() {
    guard !buffer.isEmpty else { return }
    FileHandle.standardOutput.write(Data(buffer))
    buffer.removeAll(keepingCapacity: true)
  }
}
