import ArgumentParser
import EmbeddingKit
import Foundation

/// `embed-bench gemm`: GFLOP/s of MatrixMultiply on the MiniLM encoder's shapes (Benchmarks/gemm_bench.py
/// runs numpy and torch on the same shapes beside it).
struct GemmBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gemm",
    abstract: "Time MatrixMultiply (float and int8 linear layers, attention products) in GFLOP/s.",
    discussion: """
      The backend is the one chosen for this CPU; EMBEDDINGKIT_KERNELS=swift|avx2|avx512 forces one.
      Rates count 2·m·n·k operations per product (int8 too); each is the best of --repeat timings.
      """)

  @Option(help: "Token counts (rows m) of the linear-layer shapes, comma separated.")
  var rows: String = "256,2048"

  @Option(help: "Sequence lengths of the attention shapes, comma separated.")
  var sequences: String = "64,256"

  @Option(help: "Threads for the linear layers (attention products run on one).")
  var threads: Int = 1

  @Option(help: "Timed repetitions per shape (the best is reported).")
  var `repeat`: Int = 5

  @Option(help: "Which products: all, float, int8 or attention.")
  var only: String = "all"

  @Flag(help: "Print one JSON object per shape instead of a table.")
  var json = false

  func run() throws {
    let ms = rows.split(separator: ",").compactMap { Int($0) }
    let seqs = sequences.split(separator: ",").compactMap { Int($0) }
    if !json {
      print("backend \(MatrixMultiply.backend), threads \(threads)")
      print("kind       shape                    GFLOP/s  per CPU-s  ms/call")
    }
    // The MiniLM feed-forward and projection shapes: (in, out).
    let layers = [(384, 384, false), (384, 1536, true), (1536, 384, false)]
    for m in ms {
      for (k, n, gelu) in layers {
        var rng = SeededGenerator(seed: 1)
        let x = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
        let w = (0..<(n * k)).map { _ in (rng.nextFloat() - 0.5) * 0.1 }
        let bias = (0..<n).map { _ in rng.nextFloat() - 0.5 }
        var y = [Float](repeating: 0, count: m * n)
        let act: LinearActivation = gelu ? .gelu : .none
        let name = "m=\(m) k=\(k) n=\(n)\(gelu ? " gelu" : "")"
        if only == "all" || only == "float" {
          let layer = w.withUnsafeBufferPointer {
            PackedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: bias)
          }
          let t = time {
            y.withUnsafeMutableBufferPointer {
              MatrixMultiply.linear(
                x, rows: m, layer, into: $0.baseAddress!, activation: act, threads: threads)
            }
          }
          report("float32", name, m: m, n: n, k: k, seconds: t)
        }
        if only == "all" || only == "int8" {
          let layer = w.withUnsafeBufferPointer {
            QuantizedLinear(weights: $0, outFeatures: n, inFeatures: k, bias: bias)
          }
          let t = time {
            y.withUnsafeMutableBufferPointer {
              MatrixMultiply.linear(
                x, rows: m, layer, into: $0.baseAddress!, activation: act, threads: threads)
            }
          }
          report("int8", name, m: m, n: n, k: k, seconds: t)
        }
      }
    }
    guard only == "all" || only == "attention" else { return }
    for s in seqs {
      // One head: scores = Q·Kᵀ / √32 (k = 32), then context = P·V (k = s), rows 384 floats apart.
      var rng = SeededGenerator(seed: 2)
      let q = (0..<(s * 384)).map { _ in rng.nextFloat() - 0.5 }
      var scores = [Float](repeating: 0, count: s * s)
      var context = [Float](repeating: 0, count: s * 384)
      let t1 = time {
        scores.withUnsafeMutableBufferPointer {
          MatrixMultiply.gemm(
            m: s, n: s, k: 32, alpha: 0.176_776_7, a: q, lda: 384, b: q, ldb: 384,
            transposeB: true, c: $0.baseAddress!, ldc: s)
        }
      }
      report("attention", "QK^T m=n=\(s) k=32", m: s, n: s, k: 32, seconds: t1)
      let t2 = time {
        context.withUnsafeMutableBufferPointer {
          MatrixMultiply.gemm(
            m: s, n: 32, k: s, a: scores, lda: s, b: q, ldb: 384, transposeB: false,
            c: $0.baseAddress!, ldc: 384)
        }
      }
      report("attention", "PV m=\(s) k=\(s) n=32", m: s, n: 32, k: s, seconds: t2)
    }
  }

  /// Best wall and CPU seconds per call over `repeat` timings of enough calls to last about 0.2 s.
  ///
  /// CPU time (the process's) is what the product costs when other work shares the cores.
  private func time(_ body: () -> Void) -> (wall: Double, cpu: Double) {
    body()
    let start = MonotonicClock.now()
    body()
    let once = max(MonotonicClock.now() - start, 1e-7)
    let calls = max(1, Int(0.2 / once))
    var best = (wall: Double.infinity, cpu: Double.infinity)
    for _ in 0..<max(1, `repeat`) {
      let t = MonotonicClock.now()
      let c = processCPUSeconds()
      for _ in 0..<calls { body() }
      best.wall = min(best.wall, (MonotonicClock.now() - t) / Double(calls))
      best.cpu = min(best.cpu, (processCPUSeconds() - c) / Double(calls))
    }
    return best
  }

  private func report(
    _ kind: String, _ shape: String, m: Int, n: Int, k: Int, seconds: (wall: Double, cpu: Double)
  ) {
    let flops = 2 * Double(m) * Double(n) * Double(k) / 1e9
    if json {
      print(
        "{\"kind\": \"\(kind)\", \"shape\": \"\(shape)\", \"m\": \(m), \"n\": \(n), \"k\": \(k), "
          + "\"backend\": \"\(MatrixMultiply.backend)\", \"threads\": \(threads), "
          + "\"seconds\": \(seconds.wall), \"cpu_seconds\": \(seconds.cpu)}")
    } else {
      let pad = shape.padding(toLength: 24, withPad: " ", startingAt: 0)
      print(
        "\(kind.padding(toLength: 10, withPad: " ", startingAt: 0)) \(pad) "
          + String(
            format: "%7.1f  %7.1f  %8.3f", flops / seconds.wall, flops / seconds.cpu,
            seconds.wall * 1000))
    }
  }
}
