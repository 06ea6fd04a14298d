import Foundation

/// The family of matrix-product micro-kernels: the portable Swift one or a C one chosen by CPU detection.
///
/// Chosen once per process: `EMBEDDINGKIT_KERNELS=swift|avx2|avx512` forces one (a backend the CPU cannot
/// run falls back to the automatic choice), else `automatic`: AVX2 + FMA where the CPU has it, else Swift.
/// The AVX-512 kernels are opt-in until they have been run and tested on an AVX-512 machine (the machines
/// they were written on have AVX2 only); `swift test` checks them whenever the CPU has AVX-512. Every backend gives the same results
/// to float rounding (the int8 products are exact integers in all of them).
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

  /// The default: AVX2 + FMA when supported, else the portable kernels (AVX-512 only when asked for).
  static var automatic: KernelBackend { CPUFeatures.avx2 ? .avx2 : .swift }

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
