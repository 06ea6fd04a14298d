import EmbeddingKit
import Foundation

/// One fuzz target: valid seed files, and a loader that must load or throw `EmbeddingError`.
struct LoaderFuzzTarget {
  /// Name for `--target` and the report.
  var name: String
  /// Seed files: one or more named files per case (a GPT-2 vocabulary is two files).
  var seeds: [[String: [UInt8]]]
  /// Loads the files at these paths (same keys as the seeds) and uses the result a little.
  var load: ([String: String]) throws -> Void
}

/// Counts of one target's run.
struct FuzzCounts {
  var files = 0
  var loaded = 0
  var rejected = 0
  var otherErrors = 0
}

/// Runs `files` mutants of `target` in `directory`. A trap would end the process, so
/// finishing is the pass; `otherErrors` (errors that are not `EmbeddingError`) must be 0.
func fuzz(
  _ target: LoaderFuzzTarget, files: Int, mutator: inout _ByteMutator, directory: String
) -> FuzzCounts {
  var counts = FuzzCounts()
  for i in 0..<files {
    let seed = target.seeds[mutator.below(target.seeds.count)]
    let keys = seed.keys.sorted()
    // Damage one file of the case (sometimes all of them).
    let victim = keys[mutator.below(keys.count)]
    var paths: [String: String] = [:]
    for key in keys {
      let bytes =
        key == victim || mutator.below(8) == 0 ? mutator.mutate(seed[key] ?? []) : seed[key] ?? []
      let path = "\(directory)/\(target.name)-\(i % 2)-\(key)"
      _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
      paths[key] = path
    }
    counts.files += 1
    do {
      try target.load(paths)
      counts.loaded += 1
    } catch is EmbeddingError {
      counts.rejected += 1
    } catch {
      counts.otherErrors += 1
    }
  }
  return counts
}

/// The loader targets (vector files are fuzzed by `_VectorFileFuzzer`).
func loaderFuzzTargets(directory: String) throws -> [LoaderFuzzTarget] {
  func bytes(_ path: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
  }
  var targets: [LoaderFuzzTarget] = []
  let sample = "Hello world, the quick brown fox: 123 ünïcödé 🦊\n  tabs\tand spaces"

  // tiktoken: the 256 bytes plus a few merges.
  var ranks: [(bytes: [UInt8], rank: Int)] = (0..<256).map { ([UInt8($0)], $0) }
  for (k, token) in [" t", "he", " the", "in", " a", "er", "on", " w"].enumerated() {
    ranks.append((Array(token.utf8), 256 + k))
  }
  let tiktokenPath = directory + "/seed.tiktoken"
  try TiktokenFile.write(ranks, to: tiktokenPath)
  targets.append(
    LoaderFuzzTarget(name: "tiktoken", seeds: [["vocab.tiktoken": try bytes(tiktokenPath)]]) {
      paths in
      let loaded = try TiktokenFile.read(path: paths["vocab.tiktoken"] ?? "")
      let encoder = try BytePairEncoder(
        name: "fuzz", preTokenizer: .cl100k, ranks: loaded, specialTokens: ["<|endoftext|>": 9999]
      )
      let ids = encoder.encodeOrdinary(sample)
      _ = try encoder.decode(ids)
    })

  // GPT-2 encoder.json + vocab.bpe in the byte alphabet.
  var entries: [String] = []
  for b in 0..<256 {
    entries.append("\(jsonString(GPT2ByteSpelling.spell([UInt8(b)]))): \(b)")
  }
  var merges = ["#version: 0.2"]
  for (k, (a, b)) in [(" ", "t"), ("h", "e"), (" t", "he"), ("i", "n")].enumerated() {
    let left = GPT2ByteSpelling.spell(Array(a.utf8))
    let right = GPT2ByteSpelling.spell(Array(b.utf8))
    merges.append("\(left) \(right)")
    entries.append("\(jsonString(left + right)): \(256 + k)")
  }
  entries.append("\"<|endoftext|>\": 260")
  let encoderJSON = Array(("{" + entries.joined(separator: ", ") + "}").utf8)
  let vocabBPE = Array((merges.joined(separator: "\n") + "\n").utf8)
  targets.append(
    LoaderFuzzTarget(
      name: "gpt2", seeds: [["encoder.json": encoderJSON, "vocab.bpe": vocabBPE]]
    ) { paths in
      let loaded = try GPT2VocabularyFiles.read(
        encoderJSON: paths["encoder.json"] ?? "", vocabBPE: paths["vocab.bpe"] ?? "")
      let encoder = try BytePairEncoder(
        name: "fuzz", preTokenizer: .gpt2, ranks: loaded, specialTokens: [:])
      _ = try encoder.decode(encoder.encodeOrdinary(sample))
    })

  // Word vocabulary (one token per line) and the word tokenizer.
  let words = ["<|endoftext|>", "<|unk|>", "hello", "world", ",", "the", "fox", "ü"]
  targets.append(
    LoaderFuzzTarget(
      name: "word-vocab", seeds: [["vocab.txt": Array((words.joined(separator: "\n") + "\n").utf8)]]
    ) { paths in
      let vocabulary = try Vocabulary.load(path: paths["vocab.txt"] ?? "")
      let tokenizer = WordTokenizer(vocabulary: vocabulary)
      _ = try tokenizer.decode(try tokenizer.encode(sample))
    })

  // .npy and safetensors tensors.
  var rng = SeededGenerator(seed: 5)
  let matrix = Matrix(
    rows: 6, columns: 4, values: (0..<24).map { _ in rng.nextFloat() - 0.5 })
  let npyPath = directory + "/seed.npy"
  try NumpyArrayFile.write(matrix, to: npyPath)
  targets.append(
    LoaderFuzzTarget(name: "npy", seeds: [["a.npy": try bytes(npyPath)]]) { paths in
      let m = try NumpyArrayFile.read(path: paths["a.npy"] ?? "")
      if m.count > 0 { _ = m.baseAddress[m.count - 1] }
    })
  let stPath = directory + "/seed.safetensors"
  try SafetensorsFile.write(
    [("wte", matrix), ("wpe", Matrix(rows: 2, columns: 4))], metadata: ["k": "v"], to: stPath)
  targets.append(
    LoaderFuzzTarget(name: "safetensors", seeds: [["a.safetensors": try bytes(stPath)]]) {
      paths in
      let file = try SafetensorsFile(path: paths["a.safetensors"] ?? "")
      for name in file.names {
        let m = try file.tensor(named: name)
        if m.count > 0 { _ = m.baseAddress[m.count - 1] }
      }
    })

  // .w2v Word2Vec checkpoints (negative sampling, and hierarchical softmax).
  let corpus = directory + "/corpus.txt"
  try String(repeating: "the quick brown fox jumps over the lazy dog\n", count: 40)
    .write(toFile: corpus, atomically: true, encoding: .utf8)
  var w2vSeeds: [[String: [UInt8]]] = []
  for hs in [false, true] {
    var config = Word2VecConfiguration(architecture: hs ? .cbow : .skipGram)
    config.dimension = 8
    config.minCount = 1
    config.epochs = 1
    config.threads = 1
    config.negative = hs ? 0 : 3
    config.hierarchicalSoftmax = hs
    let model = try Word2Vec.train(corpora: [corpus], configuration: config)
    let path = directory + "/seed-\(hs).w2v"
    try model.save(to: path)
    w2vSeeds.append(["model.w2v": try bytes(path)])
  }
  targets.append(
    LoaderFuzzTarget(name: "w2v", seeds: w2vSeeds) { paths in
      let model = try Word2Vec.load(from: paths["model.w2v"] ?? "")
      _ = try model.wordVectors()
    })
  return targets
}

/// A JSON string literal.
private func jsonString(_ s: String) -> String {
  let data = (try? JSONSerialization.data(withJSONObject: [s])) ?? Data("[\"\"]".utf8)
  let text = String(decoding: data, as: UTF8.self)
  return String(text.dropFirst().dropLast())
}
