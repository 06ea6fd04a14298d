import ArgumentParser
import EmbeddingKit

// Typed command-line values: each option names its choices in one place, `--help` lists them,
// and a wrong value fails while parsing with the list of valid ones. Aliases (the names other
// tools use) are accepted by `init?(argument:)`; `--help` shows the canonical names.

extension Word2VecConfiguration.Architecture: ExpressibleByArgument {
  /// `skipgram` (also `skip-gram`, `sg`) or `cbow`.
  public init?(argument: String) {
    switch argument.lowercased() {
    case "skipgram", "skip-gram", "sg": self = .skipGram
    case "cbow": self = .cbow
    default: return nil
    }
  }
}

extension EncodingName: ExpressibleByArgument {
  /// The tiktoken name, or a short form without `_base` (`cl100k`, `o200k`, `r50k`).
  public init?(argument: String) {
    let name = argument.lowercased()
    guard let value = EncodingName(rawValue: name) ?? EncodingName(rawValue: name + "_base")
    else { return nil }
    self = value
  }
}

extension PreTokenizer: ExpressibleByArgument {
  /// `gpt2`, `cl100k` or `o200k`; the encoding names (`cl100k_base`, `r50k_base`) work too.
  public init?(argument: String) {
    let name = argument.lowercased()
    if let value = PreTokenizer(rawValue: name) {
      self = value
    } else if let encoding = EncodingName(argument: name) {
      self = encoding.preTokenizer
    } else {
      return nil
    }
  }
}

extension VectorFormat: ExpressibleByArgument {
  /// The format's name, or a file extension / tool name (`bin`, `txt`, `vec`, `ekv`, `word2vec`).
  public init?(argument: String) {
    let aliases: [String: VectorFormat] = [
      "bin": .word2vecBinary, "word2vec": .word2vecBinary, "txt": .word2vecText,
      "text": .word2vecText, "vec": .fastTextVec, "fasttext": .fastTextVec, "ekv": .native,
    ]
    let name = argument.lowercased()
    guard let format = VectorFormat(rawValue: name) ?? aliases[name] else { return nil }
    self = format
  }
}

extension Projector.Method: ExpressibleByArgument {}

/// The tokenizer of `embed tokenize`: a tiktoken encoding, or the book's word tokenizer.
enum TokenizerChoice: String, CaseIterable, ExpressibleByArgument {
  case gpt2, r50k_base, cl100k_base, o200k_base, words

  /// Also accepts the short BPE names (`cl100k`, `o200k`, `r50k`).
  init?(argument: String) {
    if argument.lowercased() == "words" {
      self = .words
    } else if let encoding = EncodingName(argument: argument),
      let value = TokenizerChoice(rawValue: encoding.rawValue)
    {
      self = value
    } else {
      return nil
    }
  }

  /// The BPE encoding, or nil for `words`.
  var bytePair: EncodingName? { EncodingName(rawValue: rawValue) }
}

/// The optimiser of `embed train-lm`.
enum OptimizerChoice: String, CaseIterable, ExpressibleByArgument {
  case adamw, sgd

  /// The default learning rate of each.
  var defaultLearningRate: Float { self == .sgd ? 0.5 : 3e-3 }
}

/// How `embed analogy` ranks answers.
enum AnalogyMethod: String, CaseIterable, ExpressibleByArgument {
  case cosadd, cosmul

  /// Also accepts the paper's names `3cosadd` and `3cosmul`.
  init?(argument: String) {
    let name = argument.lowercased()
    guard let value = AnalogyMethod(rawValue: name.hasPrefix("3") ? String(name.dropFirst()) : name)
    else { return nil }
    self = value
  }
}
