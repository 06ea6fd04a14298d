import EmbeddingTestSupport
import Foundation
import Testing

@testable import EmbeddingCore

/// The shared `.npy` and safetensors readers: dtypes, orders, round trips, damaged files.
@Suite struct TensorFileTests {
  /// A version 1.0 `.npy` file with the given header dict and data bytes.
  private func npy(_ dict: String, _ data: [UInt8]) -> [UInt8] {
    let header = Array((dict + "\n").utf8)
    return [0x93] + Array("NUMPY".utf8) + [
      1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8),
    ]
      + header + data
  }

  /// The matrix's values (kept alive while copied: `buffer` does not retain the matrix).
  private func values(_ m: Matrix) -> [Float] { withExtendedLifetime(m) { Array(m.buffer) } }

  private func bytes<T>(_ values: [T]) -> [UInt8] {
    values.withUnsafeBytes { Array($0) }
  }

  private func layoutAndMatrix(_ file: [UInt8]) throws -> (TensorLayout, [Float]) {
    try file.withUnsafeBytes { raw in
      let layout = try NumpyArrayFile.layout(of: raw, path: "t.npy")
      let m = layout.matrix(from: raw)
      return (layout, values(m))
    }
  }

  private func malformedLocation(_ body: () throws -> Void) -> String? {
    do { try body() } catch EmbeddingError.malformed(_, let location, _) { return location } catch {
      return "unexpected \(error)"
    }
    return nil
  }

  @Test func npyDTypesAndOrders() throws {
    let values: [Float] = [1, -2, 0.5, 3, 4, 65504]
    let f8 = npy(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", bytes(values.map(Double.init)))
    #expect(try layoutAndMatrix(f8).1 == values)
    let f2 = npy(
      "{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }",
      bytes([UInt16(0x3C00), 0xC000, 0x3800, 0x4200, 0x4400, 0x7BFF]))
    let (layout, read) = try layoutAndMatrix(f2)
    #expect(layout.shape == [6] && layout.matrixShape! == (1, 6) && read == values)
    // Column-major (2, 3): stored column by column.
    let fortran = npy(
      "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
      bytes([Float(1), 3, 0.5, 4, -2, 65504]))
    #expect(try layoutAndMatrix(fortran).1 == [1, 0.5, -2, 3, 4, 65504])
  }

  @Test func npyRoundTripThroughAFile() throws {
    let dir = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.npy").path
    let m = Matrix(rows: 3, columns: 5, values: (0..<15).map { Float($0) / 7 })
    try NumpyArrayFile.write(m, to: path)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect((data.count - 15 * 4) % 64 == 0)
    #expect(values(try NumpyArrayFile.read(path: path)) == values(m))
  }

  @Test func damagedNpyNamesTheByte() {
    let good = npy(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      bytes([Float](repeating: 1, count: 6)))
    func location(_ file: [UInt8]) -> String? {
      malformedLocation {
        _ = try file.withUnsafeBytes { try NumpyArrayFile.layout(of: $0, path: "t.npy") }
      }
    }
    #expect(location(Array(good.dropLast(3))) == "byte \(good.count - 24)")
    #expect(location(Array("not numpy at all".utf8)) == "byte 0")
    #expect(location(Array(good.prefix(40))) == "byte 40")
    var version = good
    version[6] = 9
    #expect(location(version) == "byte 6")
    #expect(
      location(
        npy(
          "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
          [UInt8](repeating: 0, count: 8))) == "byte 10")
    // A shape whose byte count overflows Int is an error, not a crash.
    #expect(
      location(
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 4), }", []))
        != nil)
  }

  @Test func safetensorsRoundTripAndNames() throws {
    let dir = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.safetensors").path
    let wte = Matrix(rows: 4, columns: 3, values: (0..<12).map { Float($0) })
    let wpe = Matrix(rows: 2, columns: 3, values: (0..<6).map { -Float($0) })
    try SafetensorsFile.write(
      [("transformer.wte.weight", wte), ("transformer.wpe.weight", wpe)], metadata: ["a": "b"],
      to: path)
    let file = try SafetensorsFile(path: path)
    #expect(file.names == ["transformer.wpe.weight", "transformer.wte.weight"])
    #expect(file.header.metadata == ["a": "b"])
    #expect(values(try file.tensor(named: "wte")) == values(wte))
    #expect(values(try file.tensor(named: "wpe")) == values(wpe))
    #expect(throws: EmbeddingError.self) { _ = try file.tensor(named: "lm_head") }
  }

  /// safetensors bytes with the given JSON header and data.
  private func safetensors(_ json: String, _ data: [UInt8]) -> [UInt8] {
    bytes([UInt64(json.utf8.count).littleEndian]) + Array(json.utf8) + data
  }

  @Test func safetensorsHalfTypesAndDamage() throws {
    let half = safetensors(
      #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}"#,
      bytes([UInt16(0x3C00), 0xC000, 0x3F80, 0xC000]))
    try half.withUnsafeBytes { raw in
      let header = try SafetensorsHeader(parsing: raw, path: "t")
      #expect(values(try header.layout(of: "h").matrix(from: raw)) == [1, -2])
      #expect(values(try header.layout(of: "b").matrix(from: raw)) == [1, -2])
    }
    func location(_ file: [UInt8]) -> String? {
      malformedLocation {
        _ = try file.withUnsafeBytes { try SafetensorsHeader(parsing: $0, path: "t") }
      }
    }
    #expect(location(Array(half.dropLast(2))) == "byte \(half.count - 2)")
    #expect(location(bytes([UInt64.max]) + [1, 2, 3]) == "byte 0")
    #expect(location(safetensors("[1, 2]", [])) == "byte 8")
    #expect(
      location(
        safetensors(
          #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
          [UInt8](repeating: 0, count: 8))) == "byte 8")
  }

  /// A tensor of several MiB is read in row chunks: every value arrives, in order, for a
  /// float32 tensor and an F16 one whose rows do not divide the chunk size, and a file cut
  /// after opening gives an error, not short data.
  @Test func safetensorsReadsLargeTensorsInChunks() throws {
    let dir = makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rows = 3_001
    let columns = 383
    let big = Matrix(
      rows: rows, columns: columns, values: (0..<(rows * columns)).map { Float($0 % 65_521) })
    let path = dir.appendingPathComponent("big.safetensors").path
    try SafetensorsFile.write(
      [("big", big), ("small", Matrix(rows: 1, columns: 2, values: [7, 8]))], to: path)
    let file = try SafetensorsFile(path: path)
    #expect(values(try file.tensor(named: "big")) == values(big))
    #expect(values(try file.tensor(named: "small")) == [7, 8])

    // F16: 2 bytes per value, 1,031 values per row (rows straddle the 1 MiB chunks).
    let halfRows = 1_200
    let halfColumns = 1_031
    let halfBits = (0..<(halfRows * halfColumns)).map { UInt16(0x3C00) &+ UInt16($0 % 512) }
    let json =
      #"{"h":{"dtype":"F16","shape":[\#(halfRows),\#(halfColumns)],"data_offsets":[0,\#(halfBits.count * 2)]}}"#
    let halfPath = dir.appendingPathComponent("half.safetensors").path
    try Data(safetensors(json, bytes(halfBits))).write(to: URL(fileURLWithPath: halfPath))
    let half = try SafetensorsFile(path: halfPath).tensor(named: "h")
    let expected = safetensors(json, bytes(halfBits)).withUnsafeBytes { raw in
      values(try! SafetensorsHeader(parsing: raw, path: "t").layout(of: "h").matrix(from: raw))
    }
    #expect(values(half) == expected)

    // Cut the file after its header was read: the tensor read fails with an io error.
    let opened = try SafetensorsFile(path: path)
    try FileManager.default.removeItem(atPath: path)
    try Data([UInt8](repeating: 0, count: 100)).write(to: URL(fileURLWithPath: path))
    #expect(throws: EmbeddingError.self) { _ = try opened.tensor(named: "big") }
  }
}
