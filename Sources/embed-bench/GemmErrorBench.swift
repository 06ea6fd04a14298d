import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench gemm-error`: the int8 linear layer's error against float32 on random and on real data.
///
/// Real data: the inputs, weights and biases of all-MiniLM-L6-v2's linear layers dumped by
/// Benchmarks/int8_error_data.py (`<name>.x.npy`, `.w.npy`, `.b.npy`, `.act`).
struct GemmErrorBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gemm-error",
    abstract: "Relative Frobenius error of the int8 linear layer against float32.")

  @Option(help: "Folder written by Benchmarks/int8_error_data.py (omit for random data only).")
  var data: String?

  func run() throws {
    print("layer                  rows     in    out  act    rel. Frobenius error")
    var rng = SeededGenerator(seed: 3)
    for (k, n) in [(384, 384), (384, 1536), (1536, 384)] {
      let m = 256
      let x = (0..<(m * k)).map { _ in rng.nextFloat() * 2 - 1 }
      let w = (0..<(n * k)).map { _ in (rng.nextFloat() * 2 - 1) * 0.1 }
      let b = (0..<n).map { _ in rng.nextFloat() - 0.5 }
      report("random uniform", x: x, m: m, w: w, n: n, k: k, bias: b, act: .none)
    }
    guard let data else { return }
    let names = try FileManager.default.contentsOfDirectory(atPath: data)
      .filter { $0.hasSuffix(".x.npy") }.map { String($0.dropLast(6)) }.sorted()
    for name in names {
      let base = (data as NSString).appendingPathComponent(name)
      let x = try NumpyArrayFile.read(path: base + ".x.npy")
      let w = try NumpyArrayFile.read(path: base + ".w.npy")
      let b = try NumpyArrayFile.read(path: base + ".b.npy")
      let act = try String(contentsOfFile: base + ".act", encoding: .utf8)
      report(
        name, x: Array(x.buffer), m: x.rows, w: Array(w.buffer), n: w.rows, k: w.columns,
        bias: Array(b.buffer), act: act.hasPrefix("gelu") ? .gelu : .none)
    }
  }

  private func report(
    _ name: String, x: [Float], m: Int, w: [Float], n: Int, k: Int, bias: [Float],
    act: LinearActivation
  ) {
    let f = w.withUnsafeBufferPointer {
      PackedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: bias)
    }
    let q = w.withUnsafeBufferPointer {
      QuantizedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: bias)
    }
    var yf = [Float](repeating: 0, count: m * n)
    var yq = yf
    yf.withUnsafeMutableBufferPointer {
      MatrixMultiply.linear(x, rows: m, f, into: $0.baseAddress!, activation: act)
    }
    yq.withUnsafeMutableBufferPointer {
      MatrixMultiply.linear(x, rows: m, q, into: $0.baseAddress!, activation: act)
    }
    var diff = 0.0
    var norm = 0.0
    for i in 0..<(m * n) {
      let d = Double(yq[i]) - Double(yf[i])
      diff += d * d
      norm += Double(yf[i]) * Double(yf[i])
    }
    let label = name.padding(toLength: 20, withPad: " ", startingAt: 0)
    let actName = act == .gelu ? "gelu" : "none"
    print(
      "\(label) \(String(format: "%6d %6d %6d", m, k, n))  \(actName)   "
        + String(format: "%.5f", (diff / norm).squareRoot()))
  }
}
