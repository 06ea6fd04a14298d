import EmbeddingCore
import Foundation
import Testing

@testable import InputEmbeddings

struct LoaderCase: Decodable {
  struct Batch: Decodable {
    let inputs: [[Int32]]
    let targets: [[Int32]]
  }
  enum Batches: Decodable {
    case all([Batch])
    case firstAndLast(Batch, Batch)
    struct Ends: Decodable {
      let first: Batch
      let last: Batch
    }
    init(from decoder: Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let all = try? c.decode([Batch].self) {
        self = .all(all)
      } else {
        let e = try c.decode(Ends.self)
        self = .firstAndLast(e.first, e.last)
      }
    }
  }
  let prefix: Int
  let max_length: Int
  let stride: Int
  let batch_size: Int
  let drop_last: Bool
  let windows: Int
  let batch_count: Int
  let batches: Batches
}

struct DatasetFixture: Decodable {
  let ids: [Int32]
  let cases: [LoaderCase]
}

@Suite struct SlidingWindowDatasetTests {
  static func loadFixture() throws -> DatasetFixture {
    let data = try Data(contentsOf: URL(fileURLWithPath: FixtureFiles.path("dataset.json")))
    return try JSONDecoder().decode(DatasetFixture.self, from: data)
  }

  @Test func batchesEqualTheBooksDataLoader() throws {
    let fixture = try Self.loadFixture()
    #expect(fixture.ids.count == 5145)  // the book's count for the-verdict.txt
    #expect(fixture.cases.count == 6)
    for c in fixture.cases {
      let data = try SlidingWindowDataset(
        tokenIDs: fixture.ids.prefix(c.prefix), maxLength: c.max_length, stride: c.stride)
      #expect(data.count == c.windows)
      let loader = try BatchLoader(
        dataset: data, batchSize: c.batch_size, shuffle: false, dropLast: c.drop_last)
      let ours = loader.batches()
      #expect(ours.count == c.batch_count, "case \(c.max_length)/\(c.stride)/\(c.batch_size)")
      func same(_ a: Batch, _ b: LoaderCase.Batch) -> Bool {
        a.inputRows == b.inputs && a.targetRows == b.targets
      }
      switch c.batches {
      case .all(let expected):
        #expect(ours.count == expected.count)
        for (a, b) in zip(ours, expected) { #expect(same(a, b)) }
      case .firstAndLast(let first, let last):
        #expect(same(ours[0], first))
        #expect(same(ours[ours.count - 1], last))
      }
    }
  }

  @Test func firstBatchIsTheBooksPrintedOne() throws {
    // Chapter 2 prints these inputs for max_length=4, stride=4, batch_size=8.
    let data = try SlidingWindowDataset(
      tokenIDs: try Self.loadFixture().ids, maxLength: 4, stride: 4)
    let first = try BatchLoader(dataset: data, batchSize: 8).batches()[0]
    #expect(first.inputRows[0] == [40, 367, 2885, 1464])
    #expect(first.inputRows[7] == [284, 3285, 326, 11])
    #expect(first.targetRows[0] == [367, 2885, 1464, 1807])
  }

  @Test func targetsAreInputsShiftedByOne() throws {
    let ids: [Int] = Array(100..<140)
    let data = try SlidingWindowDataset(tokenIDs: ids, maxLength: 5, stride: 3)
    for i in 0..<data.count {
      #expect(Array(data.input(at: i).dropFirst()) == Array(data.target(at: i).dropLast()))
      #expect(data.target(at: i).last == data.input(at: i).last! + 1)
    }
    // Starts 0, 3, …, < 40 - 5 = 35: 12 windows; the last (33) ends at token 38.
    #expect(data.count == 12)
  }

  @Test func shuffleIsASeededPermutation() throws {
    let data = try SlidingWindowDataset(tokenIDs: Array(0..<200), maxLength: 4, stride: 2)
    let a = try BatchLoader(dataset: data, batchSize: 8, shuffle: true, dropLast: false, seed: 9)
    let b = try BatchLoader(dataset: data, batchSize: 8, shuffle: true, dropLast: false, seed: 9)
    let c = try BatchLoader(dataset: data, batchSize: 8, shuffle: true, dropLast: false, seed: 10)
    #expect(a.order(epoch: 1) == b.order(epoch: 1))
    #expect(a.order(epoch: 1) != c.order(epoch: 1))
    #expect(a.order(epoch: 1) != a.order(epoch: 2))
    #expect(a.order(epoch: 1).sorted() == Array(0..<data.count))
    let seen = a.batches(epoch: 1).flatMap(\.windowIndices)
    #expect(seen.sorted() == Array(0..<data.count))
    #expect(a.batches(epoch: 1).last!.batchSize == data.count % 8)
    let dropping = try BatchLoader(dataset: data, batchSize: 8, shuffle: true, dropLast: true)
    #expect(dropping.batches(epoch: 1).allSatisfy { $0.batchSize == 8 })
  }

  @Test func tooShortTextIsAClearError() throws {
    #expect(throws: EmbeddingError.self) {
      _ = try SlidingWindowDataset(tokenIDs: [1, 2, 3, 4], maxLength: 4, stride: 1)
    }
    do {
      _ = try SlidingWindowDataset(tokenIDs: [1, 2, 3], maxLength: 4, stride: 1)
    } catch let error as EmbeddingError {
      #expect(error.description.contains("3 tokens"))
      #expect(error.description.contains("needs 5"))
    }
    #expect(throws: EmbeddingError.self) {
      _ = try SlidingWindowDataset(tokenIDs: [1, 2, 3], maxLength: 0, stride: 1)
    }
    #expect(throws: EmbeddingError.self) {
      _ = try SlidingWindowDataset(tokenIDs: [1, 2, 3], maxLength: 1, stride: 0)
    }
    #expect(throws: EmbeddingError.self) {
      _ = try SlidingWindowDataset(tokenIDs: [1, -2, 3], maxLength: 1, stride: 1)
    }
    let few = try SlidingWindowDataset(tokenIDs: Array(0..<10), maxLength: 4, stride: 4)
    #expect(throws: EmbeddingError.self) {
      _ = try BatchLoader(dataset: few, batchSize: 8, dropLast: true)
    }
    #expect(try BatchLoader(dataset: few, batchSize: 8, dropLast: false).batchCount == 1)
  }

  @Test func hugeStridesAndLengthsAreHandledNotTraps() throws {
    // Found by `embed-bench fuzz --target cli` (train-lm --stride 9223372036854775807).
    let data = try SlidingWindowDataset(tokenIDs: Array(0..<10), maxLength: 4, stride: Int.max)
    #expect(data.count == 1)
    #expect(data.start(of: 0) == 0)
    #expect(try SlidingWindowDataset(tokenIDs: Array(0..<10), maxLength: 4, stride: 5).count == 2)
    #expect(throws: EmbeddingError.self) {
      _ = try SlidingWindowDataset(tokenIDs: Array(0..<10), maxLength: Int.max, stride: 1)
    }
  }
}
