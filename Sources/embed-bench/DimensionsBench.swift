import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench dimensions`: what the vector dimension buys and costs, for Word2Vec skip-gram.
struct DimensionsBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dimensions",
    abstract: "Word2Vec skip-gram at several dimensions: quality, speed, size, query time.",
    discussion: """
      Trains one skip-gram model per dimension on the first --max-words words of the corpus (the
      vocabulary is counted once), then measures analogy accuracy (questions-words), WordSim-353
      Spearman, training words/s, the word2vec .bin file size and the time of a batched
      10-nearest-neighbour query. Writes a Markdown table, a JSON file and two SVG line charts
      (drawn by Projection's LineChart) into --output.
      """)

  @Option(help: "Corpus (plain, .gz or .xz).")
  var corpus: String = "../shared/data/corpus/en-words.txt.xz"

  @Option(help: "Train on the first N words only (0 = all).")
  var maxWords: Int = 5_000_000

  @Option(help: "Comma-separated dimensions.")
  var dims: String = "2,8,32,100,300,768,1024"

  @Option(help: "Epochs per model.")
  var epochs: Int = 5

  @Option(help: "Worker threads.")
  var threads: Int = 2

  @Option(help: "Analogy questions (word2vec's questions-words.txt).")
  var questions: String = "../shared/data/eval/questions-words.txt"

  @Option(help: "Word-pair similarities (WordSim-353).")
  var wordsim: String = "../shared/data/eval/wordsim353.tsv"

  @Option(help: "Folder for the table, JSON and charts.")
  var output: String = "dimensions"

  @Option(help: "Query words for the neighbour-search timing (the most frequent N).")
  var queries: Int = 1000

  @Option(help: "A sentence-transformers folder: also score its Matryoshka truncation.")
  var sentenceModel: String?

  @Option(help: "Comma-separated dimensions for the sentence encoder's truncation.")
  var sentenceDims: String = "32,64,128,256,384"

  @Option(help: "STS-B dev file (tab-separated, score in column 5).")
  var sts: String = "../shared/data/sts/sts-dev.csv"

  @Flag(help: "Only the sentence-encoder part (needs --sentence-model).")
  var skipWord2vec = false

  func run() throws {
    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    let dimensions = try parse(dims)
    if let sentenceModel {
      let run = MatryoshkaRun(
        model: sentenceModel, sts: sts, dimensions: try parse(sentenceDims), threads: threads,
        output: output)
      let load = ProcessInfo.processInfo.loadAverage
      try run.write(rows: try run.run(), load: load)
    }
    if skipWord2vec { return }
    let training = maxWords > 0 ? try writePrefix() : corpus
    let (vocabulary, stats) = try Word2VecVocabulary.count(corpora: [training], minCount: 5)
    let load = ProcessInfo.processInfo.loadAverage
    print(
      "\(training): \(stats.corpusWords) words, vocabulary \(vocabulary.count), \(epochs) epochs, "
        + "\(threads) threads, load \(load)")
    var rows: [[String: Double]] = []
    print("dim   analogy  wordsim  words/s    file MiB  query ms/word  train s")
    for d in dimensions {
      var config = Word2VecConfiguration(architecture: .skipGram)
      config.dimension = d
      config.epochs = epochs
      config.threads = threads
      let model = try Word2Vec(vocabulary: vocabulary, configuration: config)
      let summary = try model.train(corpora: [training])
      let vectors = try model.wordVectors()
      let path = "\(output)/skipgram-\(d).bin"
      try vectors.write(to: path, format: .word2vecBinary)
      let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
      try? FileManager.default.removeItem(atPath: path)
      let analogy = try vectors.evaluateAnalogies(path: questions, restrictVocabulary: 30_000)
      let pairs = try vectors.evaluateWordPairs(path: wordsim)
      let words = Array(vocabulary.words.prefix(queries))
      _ = try vectors.mostSimilar(batch: words.prefix(8).map { ([$0], []) }, topN: 10)  // warm-up
      let start = MonotonicClock.now()
      _ = try vectors.mostSimilar(batch: words.map { ([$0], []) }, topN: 10)
      let queryMs = (MonotonicClock.now() - start) * 1000 / Double(max(words.count, 1))
      let row: [String: Double] = [
        "dimension": Double(d), "analogy": analogy.total.accuracy, "wordsim": pairs.spearman,
        "wordsPerSecond": summary.wordsPerSecond, "fileBytes": Double(size),
        "queryMsPerWord": queryMs, "trainSeconds": summary.seconds,
      ]
      rows.append(row)
      print(
        String(
          format: "%-5d %7.4f  %7.4f  %9.0f  %8.2f  %13.4f  %7.1f", d, analogy.total.accuracy,
          pairs.spearman, summary.wordsPerSecond, Double(size) / 1_048_576, queryMs,
          summary.seconds))
      // Written after every dimension, so a long run can be read (or stopped) part-way.
      try write(rows: rows, words: stats.corpusWords, load: load)
    }
  }

  private func parse(_ list: String) throws -> [Int] {
    try list.split(separator: ",").map { part -> Int in
      guard let d = Int(part), d >= 1 else { throw ValidationError("bad dimension '\(part)'") }
      return d
    }
  }

  /// Writes the first `maxWords` words of `corpus` (whole lines, the last one cut) to a file.
  private func writePrefix() throws -> String {
    let path = "\(output)/prefix-\(maxWords).txt"
    if FileManager.default.fileExists(atPath: path) { return path }
    let reader = try LineReader(path: corpus)
    var remaining = maxWords
    try AtomicFile.write(to: path) { out in
      while remaining > 0, let line = try reader.next() {
        var kept: [UInt8] = []
        var inWord = false
        for b in line.bytes {
          let space = b == 0x20 || b == 0x09 || b == 0x0D
          if !space && !inWord {
            if remaining == 0 { break }
            remaining -= 1
          }
          inWord = !space
          kept.append(b)
        }
        kept.append(0x0A)
        try out.write(kept)
      }
    }
    return path
  }

  private func write(rows: [[String: Double]], words: Int, load: [Double]) throws {
    let json = try JSONSerialization.data(
      withJSONObject: [
        "corpusWords": words, "epochs": epochs, "threads": threads, "load": load,
        "rows": rows,
      ], options: [.prettyPrinted, .sortedKeys])
    try json.write(to: URL(fileURLWithPath: "\(output)/dimensions.json"))
    let subtitle =
      "skip-gram, \(words) words, \(epochs) epochs, \(threads) threads, load \(String(format: "%.1f", load[0]))"
    func series(_ key: String, _ name: String, scale: Double = 1) -> LineChart.Series {
      LineChart.Series(
        name: name, points: rows.map { (x: $0["dimension"]!, y: $0[key]! * scale) })
    }
    var quality = LineChart(
      title: "Word2Vec quality by dimension", xLabel: "dimension", yLabel: "score")
    quality.subtitle = subtitle
    quality.logX = true
    quality.series = [
      series("analogy", "analogy accuracy"), series("wordsim", "WordSim-353 Spearman"),
    ]
    try quality.svg().write(
      toFile: "\(output)/dimensions-quality.svg", atomically: true, encoding: .utf8)
    var cost = LineChart(
      title: "Word2Vec cost by dimension (relative to dimension \(Int(rows[0]["dimension"]!)))",
      xLabel: "dimension", yLabel: "× the smallest dimension's value")
    cost.subtitle = subtitle
    cost.logX = true
    func relative(_ key: String, _ name: String) -> LineChart.Series {
      let base = rows[0][key]!
      return LineChart.Series(
        name: name, points: rows.map { (x: $0["dimension"]!, y: $0[key]! / max(base, 1e-12)) })
    }
    cost.series = [
      relative("trainSeconds", "training time"), relative("fileBytes", "file size"),
      relative("queryMsPerWord", "query time"),
    ]
    try cost.svg().write(
      toFile: "\(output)/dimensions-cost.svg", atomically: true, encoding: .utf8)
    var table =
      "| dim | analogy acc. | WordSim-353 ρ | train words/s | .bin MiB | query ms/word |\n"
    table += "|---:|---:|---:|---:|---:|---:|\n"
    for r in rows {
      table += String(
        format: "| %d | %.4f | %.4f | %.0f | %.2f | %.4f |\n", Int(r["dimension"]!),
        r["analogy"]!, r["wordsim"]!, r["wordsPerSecond"]!, r["fileBytes"]! / 1_048_576,
        r["queryMsPerWord"]!)
    }
    try table.write(toFile: "\(output)/dimensions.md", atomically: true, encoding: .utf8)
  }
}

extension ProcessInfo {
  /// The 1, 5 and 15-minute load averages.
  var loadAverage: [Double] {
    var values = [Double](repeating: 0, count: 3)
    _ = getloadavg(&values, 3)
    return values
  }
}
