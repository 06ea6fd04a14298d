import EmbeddingCore
import EmbeddingTestSupport
import Foundation
import Testing

@testable import Retrieval

@Suite struct VectorPrecisionTests {
  @Test func codecsRoundTripWithinTheirPrecision() throws {
    let x = HNSWTests.clustered(rows: 200, dimension: 70, clusters: 8, seed: 3)
    let int8 = VectorCodec.calibratedInt8(x)
    let restored = try #require(VectorCodec.int8(calibration: int8.calibrationData, dimension: 70))
    #expect(restored == int8)
    #expect(VectorCodec.int8(calibration: int8.calibrationData, dimension: 71) == nil)
    let out = UnsafeMutablePointer<Float>.allocate(capacity: 70)
    defer { out.deallocate() }
    for (codec, tolerance) in [
      (VectorCodec.float32, Float(0)), (VectorCodec(precision: .float16), 1e-3), (int8, 0),
    ] {
      for r in 0..<x.rows {
        let blob = codec.encode(x.rowPointer(r), count: 70)
        #expect(blob.count == codec.precision.bytes(dimension: 70))
        #expect(codec.decode(blob, into: out, count: 70))
        for j in 0..<70 {
          // int8: within half a step of its dimension's scale (the calibration covers these rows).
          let limit = codec.precision == .int8 ? int8.scales[j] * 0.5001 : tolerance
          #expect(abs(out[j] - x[r, j]) <= limit, "\(codec.precision) row \(r) dim \(j)")
        }
      }
    }
    // Binary keeps the sign bits and a float16 copy; a blob of the wrong length is refused.
    let binary = VectorCodec(precision: .binary)
    let blob = binary.encode(x.rowPointer(0), count: 70)
    #expect(blob.count == 16 + 140)
    #expect(binary.decode(blob, into: out, count: 70))
    var words: [UInt64] = [0, 0]
    #expect(binary.bits(blob, count: 70, into: &words))
    for j in 0..<70 {
      #expect(abs(out[j] - x[0, j]) <= 1e-3)
      #expect((words[j / 64] >> UInt64(j % 64)) & 1 == (x[0, j] > 0 ? 1 : 0))
    }
    #expect(!binary.decode(blob, into: out, count: 130))
    #expect(!int8.bits(blob, count: 70, into: &words))
  }

  @Test func recallOrdersThePrecisions() {
    let x = HNSWTests.clustered(rows: 3000, dimension: 64, clusters: 40, seed: 11)
    let q = HNSWTests.clustered(rows: 60, dimension: 64, clusters: 40, seed: 12)
    let f16 = VectorPrecision.float16.recall(base: x, queries: q)
    let i8 = VectorPrecision.int8.recall(base: x, queries: q)
    let bin = VectorPrecision.binary.recall(base: x, queries: q)
    let rescored = VectorPrecision.binary.recall(base: x, queries: q, rescore: 100)
    #expect(f16 >= 0.99, "float16 \(f16)")
    #expect(i8 >= 0.9, "int8 \(i8)")
    #expect(bin < i8, "binary \(bin) vs int8 \(i8)")
    #expect(rescored > bin, "binary re-scored \(rescored) vs \(bin)")
  }

  @Test func indexRecordsItsPrecisionAndSearchesAtIt() async throws {
    let dir = makeTemporaryDirectory("precision")
    let docs = (0..<120).map { i in
      RetrievalDocument(id: "d\(i)", text: "topic\(i % 12) word\(i) shared words number\(i / 10)")
    }
    var firstHits: [String: String] = [:]
    for precision in VectorPrecision.allCases {
      let path = dir.appendingPathComponent("\(precision).sqlite").path
      let index = try RetrievalIndex(path: path, encoder: HashingEncoder(), create: true)
      try index.setPrecision(precision)
      // One batch: int8 calibrates on the first batch, and this sparse test encoder leaves
      // dimensions unseen in a smaller one (their later values would be clamped).
      try await index.add(documents: docs, batchSize: 200)
      let reopened = try RetrievalIndex(path: path, encoder: HashingEncoder())
      #expect(try reopened.precision == precision)
      var found = 0
      for i in stride(from: 0, to: 120, by: 7) {
        let hit = try await reopened.search("topic\(i % 12) word\(i)", k: 1, mode: .dense)
        if hit.first?.id == "d\(i)" { found += 1 }
        firstHits["\(precision)-\(i)"] = hit.first?.id
      }
      #expect(found >= 14, "\(precision): \(found) of 18 planted documents first")
      // The precision is fixed once vectors are stored.
      if precision != .float32 {
        #expect(throws: EmbeddingError.self) { try reopened.setPrecision(.float32) }
      }
      try reopened.setPrecision(precision)
    }
    let bytes = try VectorPrecision.allCases.map { p in
      try #require(
        FileManager.default.attributesOfItem(
          atPath: dir.appendingPathComponent("\(p).sqlite").path)[.size] as? NSNumber
      ).intValue
    }
    #expect(bytes[0] > bytes[3], "float32 file \(bytes[0]) bytes, binary \(bytes[3])")
  }
}

@Suite struct ExactSearchTests {
  @Test func singleAndBatchAgreeWithTheReference() {
    let x = HNSWTests.clustered(rows: 5000, dimension: 40, clusters: 20, seed: 5)
    let q = HNSWTests.clustered(rows: 17, dimension: 40, clusters: 20, seed: 6)
    let batch = ExactSearch.search(queries: q, base: x, k: 10, block: 700)
    for i in 0..<q.rows {
      let want = HNSWTests.exactTop(x, q.rowPointer(i), k: 10)
      let one = ExactSearch.search(q.rowPointer(i), base: x, k: 10)
      #expect(one.map(\.node) == want)
      #expect(Set(batch[i].map(\.node)) == Set(want))
      for (a, b) in zip(one, batch[i]) { #expect(abs(a.score - b.score) < 1e-4) }
    }
    #expect(ExactSearch.search(q.rowPointer(0), base: x, k: 0).isEmpty)
  }

  @Test func distanceKernelsMatchScalarLoops() {
    var rng = SeededGenerator(seed: 9)
    for n in [1, 7, 8, 31, 33, 384, 385] {
      let x = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
      let y = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
      let ref = zip(x, y).reduce(Float(0)) { $0 + $1.0 * $1.1 }
      #expect(abs(DistanceKernels.dot(x, y, n) - ref) < 1e-4)
      let half = y.map { Float16($0).bitPattern }
      let refHalf = zip(x, y).reduce(Float(0)) { $0 + $1.0 * Float(Float16($1.1)) }
      #expect(abs(DistanceKernels.dot(x, half: half, n) - refHalf) < 1e-4)
      let codes = y.map { Int8(($0 * 127).rounded()) }
      let refInt8 = zip(x, codes).reduce(Float(0)) { $0 + $1.0 * Float($1.1) }
      #expect(abs(DistanceKernels.dot(x, int8: codes, n) - refInt8) < 1e-2)
      let ids: [Int32] = [0]
      var out: [Float] = [0]
      DistanceKernels.dotGather(x, base: y, dimension: n, ids: ids, count: 1, into: &out)
      #expect(abs(out[0] - ref) < 1e-4)
    }
    let a: [UInt64] = [0b1011, .max]
    let b: [UInt64] = [0b0001, 0]
    #expect(DistanceKernels.hamming(a, b, words: 2) == 66)
  }
}
