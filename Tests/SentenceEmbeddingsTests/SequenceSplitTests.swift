import EmbeddingCore
import Foundation
import Testing

@testable import SentenceEmbeddings

/// Splitting a batch's sequences between threads: balanced groups, the fallback, and vectors
/// identical to one thread's.
@Suite struct SequenceSplitTests {
  @Test func groupsAreBalancedAndCoverEverySequence() {
    let lengths = [40, 12, 30, 25, 33, 18, 27, 22, 35, 15]
    let groups = SequenceSplit.groups(lengths: lengths, threads: 2)
    #expect(groups.count == 2)
    #expect(groups.flatMap { $0 }.sorted() == Array(lengths.indices))
    let costs = groups.map { $0.reduce(0) { $0 + SequenceSplit.cost(lengths[$1]) } }
    let total = costs.reduce(0, +)
    #expect(costs.allSatisfy { $0 <= SequenceSplit.tolerance * total / 2 }, "\(costs)")
    #expect(groups.allSatisfy { $0 == $0.sorted() })
  }

  @Test func unbalancedOrTinyBatchesStayInOneGroup() {
    #expect(SequenceSplit.groups(lengths: [200, 10], threads: 2) == [[0, 1]])
    #expect(SequenceSplit.groups(lengths: [7], threads: 2) == [[0]])
    #expect(SequenceSplit.groups(lengths: [5, 6, 7], threads: 1) == [[0, 1, 2]])
    #expect(SequenceSplit.groups(lengths: [9, 9, 9, 9], threads: 4).count == 4)
  }

  /// A batch that splits (threads: 2, 3) gives the same bits as one thread, on both compute modes.
  @Test(arguments: [ComputeMode.float32, .int8])
  func splitBatchesGiveTheSameVectors(compute: ComputeMode) throws {
    let fixture = try BertFixture("mean")
    let model = try BertModel(directory: fixture.directory, compute: compute)
    var rng = SeededGenerator(seed: 3)
    let ids: [[Int32]] = (0..<12).map { i in
      let n = 4 + (i * 5) % 11
      return [2] + (0..<n).map { _ in Int32(5 + rng.next() % 100) } + [3]
    }
    #expect(SequenceSplit.groups(lengths: ids.map(\.count), threads: 2).count == 2)
    let one = try model.embed(tokenIDs: ids, threads: 1)
    for threads in [2, 3] {
      let many = try model.embed(tokenIDs: ids, threads: threads)
      #expect(many.buffer.elementsEqual(one.buffer), "\(compute), \(threads) threads")
    }
  }
}
