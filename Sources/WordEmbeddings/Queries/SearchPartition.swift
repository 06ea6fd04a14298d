/// How a batched search splits its work over threads: blocks of `queryBlock` queries, each
/// searched over `rowSplits` ranges of rows. Rows are split only when there are fewer query
/// blocks than threads (a few queries), so every core still gets work.
///
/// Work item `item` is query block `item / rowSplits` over row range `item % rowSplits`.
struct SearchPartition {
  /// Number of queries.
  let queries: Int
  /// Number of rows searched.
  let rows: Int
  /// Queries per block.
  let queryBlock: Int
  /// Number of query blocks.
  let blocks: Int
  /// Row ranges per query block.
  let rowSplits: Int

  /// Splits `queries` × `rows` for `threads` workers; a row range is never smaller than
  /// about `rowTile` rows.
  init(queries: Int, rows: Int, queryBlock: Int, rowTile: Int, threads: Int) {
    self.queries = queries
    self.rows = rows
    self.queryBlock = queryBlock
    blocks = (queries + queryBlock - 1) / queryBlock
    rowSplits =
      blocks >= threads
      ? 1 : max(1, min((threads * 2 + blocks - 1) / blocks, rows / rowTile + 1))
  }

  /// Number of work items.
  var items: Int { blocks * rowSplits }

  /// The queries of work item `item`.
  func queryRange(of item: Int) -> Range<Int> {
    let q0 = item / rowSplits * queryBlock
    return q0..<min(queries, q0 + queryBlock)
  }

  /// The rows of work item `item`.
  func rowRange(of item: Int) -> Range<Int> {
    let split = item % rowSplits
    return rows * split / rowSplits..<rows * (split + 1) / rowSplits
  }
}
