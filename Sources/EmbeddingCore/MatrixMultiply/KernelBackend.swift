import Foundation

/// The family of matrix-product micro-kernels: the portable Swift one or a C one chosen by CPU detection.
///
/// Chosen once per process: `EMBEDDINGKIT_KERNELS=swift|avx2|avx512` forces one (a backend the CPU cannot
/// run falls back to the automatic choice), else `automatic`: AVX-512 (F, BW, VL, VNNI) where the CPU has
/// it, else AVX2 + FMA, else Swift. On a Sapphire Rapids core the AVX-512 kernels run about 2x the AVX2
/// ones (float GEMM 113–147 against 45–76 GFLOP/s, int8 3–4x; BENCHMARKS.md); `swift test` checks them
/// against the reference whenever the CPU has AVX-512. Every backend gives the same results to float
/// rounding (the int8 products are exact integers in all of them).
enum KernelBackend: String, CaseIterable, Sendable {
  /// Portable Swift `SIMD8` kernels (any CPU).
  case swift
  /// C micro-kernels compiled with `target("avx2,fma")`.
  case avx2
  /// C micro-kernels compiled with `target("avx512f,avx512bw,avx512vl,avx512vnni")`.
  case avx512

  /// Whether this CPU can run the backend.
  var isSupported: Bool {
    switch self {
    case .swift: true
    case .avx2: CPUFeatures.avx2
    case .avx512: CPUFeatures.avx512
    }
  }

  /// The backends this CPU can run, the portable one first.
  static var supported: [KernelBackend] { allCases.filter(\.isSupported) }

  /// The default: the widest C kernels this CPU runs, else the portable ones.
  static var automatic: KernelBackend {
    CPUFeatures.avx512 ? .avx512 : (CPUFeatures.avx2 ? .avx2 : .swift)
  }

  /// The automatic backend, or the one `EMBEDDINGKIT_KERNELS` names when the CPU supports it.
  static func select(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> KernelBackend
  {
    if let name = environment["EMBEDDINGKIT_KERNELS"]?.lowercased(),
      let forced = KernelBackend(rawValue: name), forced.isSupported
    {
      return forced
    }
    return automatic
  }

  /// The backend in use in this process.
  static let current = select()
}
