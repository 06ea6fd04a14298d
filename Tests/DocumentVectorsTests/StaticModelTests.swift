import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import SentenceEmbeddings
import Testing

@testable import DocumentVectors

/// The tiny BERT of the sentence-embedding tests (176 tokens, hidden size 32, 2 layers).
let tinyBERT = SharedData.packageRoot
  .appendingPathComponent("Tests/SentenceEmbeddingsTests/Fixtures/mean").path

func distilTiny(dimension: Int, weighting: StaticWeighting = .none, whitening: Double = 0) throws
  -> (
    SentenceEncoder, StaticModel
  )
{
  let encoder = try SentenceEncoder(directory: tinyBERT)
  var options = StaticDistillationOptions()
  options.dimension = dimension
  options.weighting = weighting
  options.whitening = whitening
  options.batchSize = 50
  options.threads = 2
  return (encoder, try StaticModel.distill(from: encoder, options: options))
}

func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
  var s: Float = 0
  for i in 0..<n { s += (a[i] - b[i]) * (a[i] - b[i]) }
  return s.squareRoot()
}

@Suite struct StaticDistillationTests {
  @Test func fullDimensionPCAKeepsTheDistancesBetweenTokenVectors() throws {
    let (encoder, model) = try distilTiny(dimension: 32)
    let ids: [Int32] = [5, 6, 30, 31, 60, 120, 175]
    let raw = try encoder.model.embed(
      tokenIDs: ids.map { [encoder.tokenizer.classID, $0, encoder.tokenizer.separatorID] },
      normalize: false)
    for i in 0..<ids.count {
      for j in (i + 1)..<ids.count {
        let expected = distance(raw.rowPointer(i), raw.rowPointer(j), 32)
        let got = distance(
          model.rows.rowPointer(Int(ids[i])), model.rows.rowPointer(Int(ids[j])), 32)
        #expect(abs(got - expected) <= 1e-3 * max(1, expected), "tokens \(ids[i]), \(ids[j])")
      }
    }
    #expect(abs(model.metadata.explainedVariance - 1) < 1e-6)
  }

  @Test func reducedRowsAreCentredAndKeepPartOfTheVariance() throws {
    let (_, model) = try distilTiny(dimension: 8)
    #expect(model.dimension == 8)
    #expect(model.rows.rows == 176)
    #expect(model.metadata.explainedVariance > 0.3 && model.metadata.explainedVariance < 1)
    for c in 0..<8 {
      var mean: Float = 0
      for r in 0..<176 { mean += model.rows[r, c] }
      #expect(abs(mean / 176) < 1e-3)
    }
    // Variance falls from the first component to the last (also after partial whitening).
    func variance(_ c: Int) -> Float {
      (0..<176).reduce(0) { $0 + model.rows[$1, c] * model.rows[$1, c] }
    }
    #expect(variance(0) >= variance(7))
  }

  @Test func whiteningDividesEachAxisByItsVarianceToThePower() throws {
    let (_, plain) = try distilTiny(dimension: 8)
    let (_, white) = try distilTiny(dimension: 8, whitening: 0.5)
    #expect(white.metadata.weighting == "none, whitening 0.5")
    for c in 0..<8 {
      var variance: Float = 0
      for r in 0..<176 { variance += white.rows[r, c] * white.rows[r, c] }
      // Unit variance over the 173 kept tokens (divisor n − 1, as the PCA's).
      #expect(abs(variance / 172 - 1) < 1e-3, "axis \(c)")
      // One scale per axis: white = plain · s_c for every row.
      let cross = white.rows[10, c] * plain.rows[20, c] - white.rows[20, c] * plain.rows[10, c]
      #expect(abs(cross) < 1e-3 * max(1, abs(white.rows[10, c] * plain.rows[20, c])))
    }
  }

  @Test func weightsFollowTheRankAsModel2VecComputesThem() throws {
    let w = StaticWeighting.sif(a: 1e-4).weights(count: 4)
    // p(r) = (1/(r+2)) / Σ_{k=0..3} 1/(k+2); weight = a / (a + p).
    let harmonic = 1.0 / 2 + 1.0 / 3 + 1.0 / 4 + 1.0 / 5
    for r in 0..<4 {
      let p = 1 / (Double(r + 2) * harmonic)
      #expect(abs(Double(w[r]) - 1e-4 / (1e-4 + p)) < 1e-9)
    }
    #expect(StaticWeighting.zipf.weights(count: 3) == [0, Float(log(2.0)), Float(log(3.0))])
    let (_, model) = try distilTiny(dimension: 8, weighting: .sif(a: 1e-3))
    // [CLS], [SEP], [MASK] (ids 2, 3, 4) are left out with weight 0; ranks skip them.
    let ranked = StaticWeighting.sif(a: 1e-3).weights(count: 173)
    #expect(model.weights == Array(ranked[0..<2]) + [0, 0, 0] + Array(ranked[2...]))
    #expect(model.metadata.removedTokens == 3)
    #expect(model.rows.row(2) == [Float](repeating: 0, count: 8))
    #expect(model.metadata.weighting == "sif a=0.001")
    #expect(throws: EmbeddingError.self) { try StaticWeighting(name: "idf") }
    #expect(throws: EmbeddingError.self) { try StaticWeighting(name: "sif", a: 0) }
  }

  @Test func unusedPlaceholdersAreRecognised() {
    #expect(StaticModel.isUnusedToken("[unused0]"))
    #expect(StaticModel.isUnusedToken("[unused993]"))
    #expect(!StaticModel.isUnusedToken("[unused]"))
    #expect(!StaticModel.isUnusedToken("[UNK]"))
    #expect(!StaticModel.isUnusedToken("unused1"))
  }

  @Test func aDimensionAboveTheHiddenSizeIsRefused() throws {
    let encoder = try SentenceEncoder(directory: tinyBERT)
    var options = StaticDistillationOptions()
    options.dimension = 33
    #expect(throws: EmbeddingError.self) {
      try StaticModel.distill(from: encoder, options: options)
    }
  }
}

@Suite struct StaticEncoderTests {
  @Test func aTextIsTheNormalisedWeightedMeanOfItsPieces() throws {
    let (encoder, model) = try distilTiny(dimension: 8, weighting: .sif(a: 1e-2))
    let text = "The cat sat on the mat by the river bank."
    let ids = encoder.tokenizer.encode(text).ids.dropFirst().dropLast()
    var expected = [Float](repeating: 0, count: 8)
    for id in ids where id != encoder.tokenizer.unknownID {
      for c in 0..<8 { expected[c] += model.weights[Int(id)] * model.rows[Int(id), c] }
    }
    let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let got = try StaticEncoder(model: model).encode(text)
    for c in 0..<8 { #expect(abs(got[c] - expected[c] / norm) < 1e-5) }
  }

  @Test func emptyAndUnknownTextsGiveZeroVectors() throws {
    let (_, model) = try distilTiny(dimension: 8)
    let encoder = StaticEncoder(model: model)
    let (vectors, pieces, _) = encoder.encodeCounting(["", "☃☃", "cat"])
    #expect(pieces[0] == 0 && pieces[1] == 0 && pieces[2] == 1)
    #expect(vectors.row(0) == [Float](repeating: 0, count: 8))
    #expect(vectors.row(1) == [Float](repeating: 0, count: 8))
    #expect(abs(VectorKernels.norm(vectors.rowPointer(2), 8) - 1) < 1e-5)
    #expect(encoder.descriptor.kind == "static")
    #expect(encoder.descriptor.dimension == 8)
  }

  @Test func longTextsAreCutAfterMaxTokens() throws {
    let (_, model) = try distilTiny(dimension: 8)
    let text = Array(repeating: "cat dog", count: 400).joined(separator: " ")
    let cut = StaticEncoder(model: model, maxTokens: 3).encodeCounting([text, "cat"])
    #expect(cut.pieces == [3, 1] && cut.truncated == 1)
    let whole = StaticEncoder(model: model, maxTokens: nil).encodeCounting([text])
    #expect(whole.pieces == [800] && whole.truncated == 0)
    #expect(StaticEncoder(model: model).tokenSpans(of: "cat dog") == [0..<3, 4..<7])
  }

  @Test func manyTextsOnSeveralThreadsEqualOneByOne() throws {
    let (_, model) = try distilTiny(dimension: 8, weighting: .zipf)
    var encoder = StaticEncoder(model: model)
    encoder.threads = 2
    let texts = (0..<300).map { "the \($0 % 7 == 0 ? "dog" : "cat") sat \($0)" }
    let all = try encoder.encode(texts, role: .plain)
    for i in [0, 7, 150, 299] { #expect(all.row(i) == (try encoder.encode(texts[i]))) }
  }
}

@Suite struct StaticModelFileTests {
  @Test func float32RoundTripIsExact() throws {
    let (_, model) = try distilTiny(dimension: 8, weighting: .sif(a: 1e-3))
    let dir = makeTemporaryDirectory("static")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.eks").path
    try model.save(to: path)
    let back = try StaticModel.load(from: path)
    #expect(back.rows.buffer.elementsEqual(model.rows.buffer))
    #expect(back.weights == model.weights)
    #expect(back.metadata == model.metadata)
    #expect(back.tokenizer.options == model.tokenizer.options)
    let text = "Unaffable naive café résumé, the cat!"
    #expect(back.tokenizer.encode(text) == model.tokenizer.encode(text))
    #expect(StaticEncoder(model: back).descriptor == StaticEncoder(model: model).descriptor)
  }

  @Test func int8RowsAreWithinHalfAStepAndAQuarterTheSize() throws {
    let (_, model) = try distilTiny(dimension: 32)
    let dir = makeTemporaryDirectory("static")
    defer { try? FileManager.default.removeItem(at: dir) }
    let f32 = dir.appendingPathComponent("f.eks").path
    let i8 = dir.appendingPathComponent("q.eks").path
    try model.save(to: f32)
    try model.save(to: i8, precision: .int8)
    let back = try StaticModel.load(from: i8)
    for r in 0..<model.rows.rows {
      let peak = model.rows.row(r).map(abs).max() ?? 0
      for c in 0..<32 {
        #expect(abs(back.rows[r, c] - model.rows[r, c]) <= peak / 254 * 1.0001 + 1e-7)
      }
    }
    let size = { (p: String) in
      (try FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0
    }
    let rowBytes = 176 * 32 * 4
    #expect(try size(f32) - size(i8) == rowBytes - 176 * 32 - 176 * 4)
  }

  @Test(
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/xz"), "needs /usr/bin/xz"))
  func xzCompressedFilesLoad() throws {
    let (_, model) = try distilTiny(dimension: 8)
    let dir = makeTemporaryDirectory("static")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.eks").path
    try model.save(to: path, precision: .int8)
    let xz = Process()
    xz.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
    xz.arguments = ["-k", path]
    try xz.run()
    xz.waitUntilExit()
    let a = try StaticModel.load(from: path)
    let b = try StaticModel.load(from: path + ".xz")
    #expect(a.rows.buffer.elementsEqual(b.rows.buffer))
    #expect(try StaticEncoder(path: path + ".xz").descriptor.name == "m")
  }

  @Test func damagedFilesGiveErrorsThatSayWhy() throws {
    let (_, model) = try distilTiny(dimension: 8)
    let dir = makeTemporaryDirectory("static")
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.eks").path
    try model.save(to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    func message(_ data: Data) -> String {
      let p = dir.appendingPathComponent("bad.eks").path
      _ = FileManager.default.createFile(atPath: p, contents: data)
      do {
        _ = try StaticModel.load(from: p)
        return "loaded"
      } catch { return "\(error)" }
    }
    #expect(message(Data("EKVECTOR".utf8) + bytes.dropFirst(8)).contains("embed distill"))
    #expect(message(bytes.prefix(bytes.count - 100)).contains("truncated"))
    var newer = bytes
    newer[8] = 9
    #expect(message(newer).contains("newer"))
    #expect(message(Data()).contains("truncated"))
  }
}
