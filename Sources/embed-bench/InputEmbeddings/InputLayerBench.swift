import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench input-layer`: forward + backward of the token + position embedding layer,
/// against numpy's best gather/scatter run in the same invocation on the same token IDs.
struct InputLayerBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "input-layer",
    abstract:
      "Input-layer forward+backward tokens/s and peak memory vs numpy (same run, same IDs).",
    discussion: """
      One iteration = forward (out = wte[ids] + wpe) + backward (scatter-add of the output \
      gradient into the rows used, sum over the batch for wpe) + zeroing the gradient rows \
      used. Token IDs are seeded uniform over the vocabulary and written to a temporary file \
      that numpy reads. numpy variants (Benchmarks/input_embeddings_reference.py speed): \
      np.add.at, argsort + np.add.reduceat (pure numpy; the faster is the reference) and \
      scipy.sparse one-hot matmul (reported separately). Peak memory is each process's maximum resident set size.
      """)

  @Option(help: "Batch size.") var batch = 8
  @Option(help: "Context length.") var context = 1024
  @Option(help: "Embedding dimension.") var dim = 768
  @Option(help: "Vocabulary size.") var vocab = 50_257
  @Option(help: "Timed iterations (best is reported).") var repeats = 10
  @Option(
    help:
      "Python with numpy (default: $EMBEDDINGKIT_VENV/bin/python, else Benchmarks/.venv/bin/python, else python3)."
  )
  var python: String?
  @Flag(help: "Skip the numpy side.") var noPython = false

  func run() throws {
    let n = batch * context
    var rng = SeededGenerator(seed: 2024)
    let ids = (0..<n).map { _ in Int32(rng.next() % UInt64(vocab)) }
    let idsPath = FileManager.default.temporaryDirectory
      .appendingPathComponent("embed-bench-ids-\(getpid()).i32").path
    try ids.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: idsPath)) }
    defer { try? FileManager.default.removeItem(atPath: idsPath) }

    let layer = try InputEmbeddingLayer(
      vocabularySize: vocab, contextLength: context, dimension: dim)
    layer.initializeNormal(standardDeviation: 1, seed: 1)
    let out = EmbeddingTensor(batchSize: batch, contextLength: context, dimension: dim)
    let grad = EmbeddingTensor(batchSize: batch, contextLength: context, dimension: dim)
    for i in 0..<grad.values.count { grad.values.baseAddress[i] = rng.nextGaussian() }
    var phases = (forward: Double.infinity, backward: Double.infinity)
    func iteration() throws {
      try ids.withUnsafeBufferPointer { p in
        let t0 = MonotonicClock.now()
        try layer.forward(p, batchSize: batch, contextLength: context, into: out)
        let t1 = MonotonicClock.now()
        layer.zeroGradients()
        try layer.backward(p, batchSize: batch, contextLength: context, outputGradient: grad)
        let t2 = MonotonicClock.now()
        phases = (min(phases.forward, t1 - t0), min(phases.backward, t2 - t1))
      }
    }
    try iteration()
    var times: [Double] = []
    for _ in 0..<repeats {
      let t0 = MonotonicClock.now()
      try iteration()
      times.append(MonotonicClock.now() - t0)
    }
    times.sort()
    let best = times[0]
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let swiftPeak = Int(usage.ru_maxrss) * 1024
    print(
      "input layer forward+backward, batch \(batch) × context \(context), dim \(dim), vocab \(vocab), "
        + "\(Parallelism.defaultThreads) threads"
    )
    print(
      String(
        format: "  EmbeddingKit: best %.2f ms, median %.2f ms, %.2fM tokens/s, peak RSS %@",
        best * 1e3, times[times.count / 2] * 1e3, Double(n) / best / 1e6,
        ByteCount.format(swiftPeak)))
    print(
      String(
        format: "    (best forward %.2f ms, best zero + backward %.2f ms)",
        phases.forward * 1e3, phases.backward * 1e3))
    guard !noPython else { return }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Benchmarks/input_embeddings_reference.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python ?? Self.defaultPython())
    process.arguments = [
      script, "speed", "--vocab", "\(vocab)", "--dim", "\(dim)", "--batch", "\(batch)",
      "--context", "\(context)", "--repeats", "\(repeats)", "--ids", idsPath,
    ]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
      let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let variants = json["variants"] as? [String: [String: Double]], !variants.isEmpty
    else {
      throw EmbeddingError.io(
        path: script,
        reason: "the numpy side failed (see its output above); run Benchmarks/setup.sh")
    }
    for (name, v) in variants.sorted(by: { $0.value["seconds"]! < $1.value["seconds"]! }) {
      print(
        String(
          format: "  numpy %-28@ best %.2f ms, %.2fM tokens/s", name, v["seconds"]! * 1e3,
          v["tokens_per_second"]! / 1e6))
    }
    let peak = (json["peak_rss_bytes"] as? Int) ?? 0
    print("  numpy peak RSS \(ByteCount.format(peak)) (numpy \(json["numpy"] ?? "?"))")
    // Pure numpy variants vs scipy's sparse matmul, reported separately.
    let pure = variants.filter { !$0.key.hasPrefix("scipy") }
    if let (name, v) = pure.min(by: { $0.value["seconds"]! < $1.value["seconds"]! }) {
      print(
        String(format: "  EmbeddingKit / best pure numpy (%@): %.2fx", name, v["seconds"]! / best))
    }
    if let scipy = variants.first(where: { $0.key.hasPrefix("scipy") }) {
      print(String(format: "  EmbeddingKit / scipy.sparse: %.2fx", scipy.value["seconds"]! / best))
    }
  }

  static func defaultPython() -> String {
    let env = ProcessInfo.processInfo.environment
    if let venv = env["EMBEDDINGKIT_VENV"] { return venv + "/bin/python" }
    let local = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Benchmarks/.venv/bin/python").path
    if FileManager.default.isExecutableFile(atPath: local) { return local }
    return "/usr/bin/python3"
  }
}
