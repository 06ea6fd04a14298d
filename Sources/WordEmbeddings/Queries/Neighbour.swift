/// A word found by a similarity search, with its row and cosine similarity (or 3CosMul score).
///
/// ```swift
/// for n in try wv.mostSimilar(to: "king") { print(n.word, n.similarity) }
/// ```
public struct Neighbour: Sendable, Equatable, CustomStringConvertible {
  /// The word.
  public var word: String
  /// Its row in the matrix.
  public var row: Int
  /// Cosine similarity in [-1, 1] (for `mostSimilarCosMul`, the 3CosMul score).
  public var similarity: Float

  /// Creates a neighbour.
  public init(word: String, row: Int, similarity: Float) {
    self.word = word
    self.row = row
    self.similarity = similarity
  }

  public var description: String { "\(word) \(similarity)" }
}
