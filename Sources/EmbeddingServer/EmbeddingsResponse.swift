#if Server
import EmbeddingCore
import Foundation

/// Writes the body of an OpenAI embeddings response without a generic JSON encoder.
///
/// ```json
/// {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.01,…]}],
///  "model":"all-MiniLM-L6-v2","usage":{"prompt_tokens":5,"total_tokens":5}}
/// ```
/// With `base64`, each `embedding` is a base64 string of little-endian float32 values, as OpenAI
/// sends it.
enum EmbeddingsResponse {
  /// Keeps the first `dimensions` columns of each row and rescales them to unit length.
  ///
  /// `rows: [n × d]` from `rows: [n × columns]`.
  static func truncate(_ rows: Matrix, to dimensions: Int) -> Matrix {
    let out = Matrix(rows: rows.rows, columns: dimensions)
    for r in 0..<rows.rows {
      let destination = out.rowPointer(r)
      destination.update(from: rows.rowPointer(r), count: dimensions)
      _ = VectorKernels.normalize(destination, dimensions)
    }
    return out
  }

  /// The JSON body; nil if a value is not finite (the encoder failed).
  static func body(rows: Matrix, model: String, promptTokens: Int, base64: Bool) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(64 + rows.rows * (base64 ? rows.columns * 6 : rows.columns * 12) + 64)
    out.append(contentsOf: #"{"object":"list","data":["#.utf8)
    for r in 0..<rows.rows {
      if r > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: #"{"object":"embedding","index":"#.utf8)
      out.append(contentsOf: String(r).utf8)
      out.append(contentsOf: #","embedding":"#.utf8)
      let row = UnsafeBufferPointer(start: rows.rowPointer(r), count: rows.columns)
      guard row.allSatisfy(\.isFinite) else { return nil }
      if base64 {
        var bytes = [UInt8](repeating: 0, count: row.count * 4)
        for (i, value) in row.enumerated() {
          let bits = value.bitPattern.littleEndian
          bytes[4 * i] = UInt8(truncatingIfNeeded: bits)
          bytes[4 * i + 1] = UInt8(truncatingIfNeeded: bits >> 8)
          bytes[4 * i + 2] = UInt8(truncatingIfNeeded: bits >> 16)
          bytes[4 * i + 3] = UInt8(truncatingIfNeeded: bits >> 24)
        }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: Data(bytes).base64EncodedString().utf8)
        out.append(UInt8(ascii: "\""))
      } else {
        out.append(UInt8(ascii: "["))
        for (i, value) in row.enumerated() {
          if i > 0 { out.append(UInt8(ascii: ",")) }
          // Float's description is the shortest text that reads back to the same float32.
          out.append(contentsOf: value.description.utf8)
        }
        out.append(UInt8(ascii: "]"))
      }
      out.append(UInt8(ascii: "}"))
    }
    out.append(contentsOf: #"],"model":"#.utf8)
    JSONText.appendString(model, to: &out)
    out.append(contentsOf: #","usage":{"prompt_tokens":"#.utf8)
    out.append(contentsOf: String(promptTokens).utf8)
    out.append(contentsOf: #","total_tokens":"#.utf8)
    out.append(contentsOf: String(promptTokens).utf8)
    out.append(contentsOf: "}}\n".utf8)
    return out
  }
}
#endif
