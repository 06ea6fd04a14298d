import EmbeddingCore
import Foundation
import Testing

@testable import SentenceEmbeddings

/// A fixture model folder made by Benchmarks/make_bert_fixture.py and its reference outputs.
struct BertFixture {
  /// Fixture variants: mean, cls, max (bert. prefix), f16, bf16.
  static let variants = ["mean", "cls", "max", "f16", "bf16"]

  let directory: String
  let reference: [String: Any]

  init(_ name: String) throws {
    let url = try #require(
      Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    directory = url.path
    let data = try Data(contentsOf: url.appendingPathComponent("reference.json"))
    reference = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  var inputs: [String] { reference["inputs"] as? [String] ?? [] }
  var ids: [[Int32]] { (reference["ids"] as? [[Int]] ?? []).map { $0.map(Int32.init) } }
  var truncated: [Bool] { reference["truncated"] as? [Bool] ?? [] }
  func rows(_ key: String) -> [[Double]] { reference[key] as? [[Double]] ?? [] }
  func ints(_ key: String) -> [[Int]] { reference[key] as? [[Int]] ?? [] }

  /// A copy of the fixture folder in a temporary directory, to damage in tests.
  func copy() throws -> String {
    let target = makeTemporaryCopyTarget()
    try FileManager.default.copyItem(atPath: directory, toPath: target)
    return target
  }
}

/// A fresh path under the temporary directory (not created).
func makeTemporaryCopyTarget() -> String {
  FileManager.default.temporaryDirectory
    .appendingPathComponent("bert-fixture-\(UUID().uuidString)").path
}

/// Largest |a − b| over all rows; rows of unequal count or length give +∞.
func maxDifference(_ matrix: Matrix, _ expected: [[Double]]) -> Double {
  guard matrix.rows == expected.count else { return .infinity }
  var worst = 0.0
  for (r, row) in expected.enumerated() {
    guard row.count == matrix.columns else { return .infinity }
    for (j, v) in row.enumerated() { worst = max(worst, abs(Double(matrix[r, j]) - v)) }
  }
  return worst
}
