import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How many bytes this process can really allocate now: the smallest of physical memory, the
/// process limits (`ulimit -v` = RLIMIT_AS, RLIMIT_DATA) less what the process already uses, the
/// cgroup's `memory.max` less its current use, and the memory the kernel reports available.
///
/// Checked before a large allocation, so a model too big for the machine fails at once with the
/// estimate and the limit, instead of aborting in `malloc` ("failed to allocate") or stalling in
/// swap after minutes of work.
///
/// ```swift
/// let limit = MemoryLimit.current()
/// try limit.check(bytes: 12 << 30, what: "the model", remedy: "lower --dim")
/// ```
public struct MemoryLimit: Sendable, CustomStringConvertible {
  /// Bytes that can be allocated.
  public var bytes: Int
  /// Which limit set `bytes` ("physical memory", "ulimit -v (RLIMIT_AS)", …).
  public var source: String

  /// Creates a limit of `bytes` from `source`.
  public init(bytes: Int, source: String) {
    self.bytes = bytes
    self.source = source
  }

  /// "3.2 GiB (ulimit -v (RLIMIT_AS))".
  public var description: String { "\(ByteCount.format(bytes)) (\(source))" }

  /// The tightest limit on this machine and process now.
  ///
  /// - Complexity: reads a few small files under /proc and /sys.
  public static func current() -> MemoryLimit {
    var best = MemoryLimit(
      bytes: Int(clamping: ProcessInfo.processInfo.physicalMemory), source: "physical memory")
    func consider(_ bytes: Int?, _ source: String) {
      if let bytes, bytes < best.bytes { best = MemoryLimit(bytes: max(0, bytes), source: source) }
    }
    #if os(Linux)
      let status = procStatus()
      if let limit = resourceLimit(Int32(RLIMIT_AS.rawValue)) {
        consider(limit - (status["VmSize"] ?? 0), "ulimit -v (RLIMIT_AS)")
      }
      if let limit = resourceLimit(Int32(RLIMIT_DATA.rawValue)) {
        consider(limit - (status["VmData"] ?? 0), "ulimit -d (RLIMIT_DATA)")
      }
      if let (limit, used) = cgroupLimit() { consider(limit - used, "cgroup memory limit") }
      if let available = memInfo()["MemAvailable"] {
        // Swap lets a process go a little further, but training in swap stalls for hours.
        consider(available, "memory available now (MemAvailable)")
      }
    #else
      if let limit = resourceLimit(Int32(RLIMIT_AS)) { consider(limit, "ulimit -v") }
      if let limit = resourceLimit(Int32(RLIMIT_DATA)) { consider(limit, "ulimit -d") }
    #endif
    return best
  }

  /// Throws `EmbeddingError.outOfMemory` naming the estimate and this limit if `bytes` exceeds it.
  public func check(bytes request: Int, what: String, remedy: String) throws {
    guard request > bytes else { return }
    throw EmbeddingError.outOfMemory(
      requestedBytes: request,
      reason:
        "\(what) needs \(ByteCount.format(request)) but only \(self) can be allocated; \(remedy)"
    )
  }

  /// The soft limit of `resource` in bytes, or nil if unlimited.
  private static func resourceLimit(_ resource: Int32) -> Int? {
    var limit = rlimit()
    #if os(Linux)
      guard getrlimit(__rlimit_resource_t(UInt32(resource)), &limit) == 0 else { return nil }
    #else
      guard getrlimit(resource, &limit) == 0 else { return nil }
    #endif
    // RLIM_INFINITY is all ones (imported as -1, which Swift rejects for an unsigned type).
    if limit.rlim_cur == rlim_t.max { return nil }
    return Int(clamping: limit.rlim_cur)
  }

  #if os(Linux)
    /// "VmSize", "VmData", … from /proc/self/status, in bytes.
    private static func procStatus() -> [String: Int] {
      keyedKilobytes(path: "/proc/self/status")
    }

    /// "MemAvailable", … from /proc/meminfo, in bytes.
    private static func memInfo() -> [String: Int] { keyedKilobytes(path: "/proc/meminfo") }

    /// Parses "Key:   1234 kB" lines.
    private static func keyedKilobytes(path: String) -> [String: Int] {
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
      var result: [String: Int] = [:]
      for line in text.split(separator: "\n") {
        let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
        guard parts.count >= 3, parts[2] == "kB", let kb = Int(parts[1]) else { continue }
        result[String(parts[0])] =
          kb.multipliedReportingOverflow(by: 1024).overflow ? nil : kb * 1024
      }
      return result
    }

    /// (limit, current use) of this process's cgroup (v2 `memory.max`, or v1), if limited.
    private static func cgroupLimit() -> (Int, Int)? {
      func number(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
      }
      // The process's own cgroup ("0::/path" for v2, "N:memory:/path" for v1), then the root
      // of the mount (inside a container the own group is often mounted there).
      var v2 = ["/sys/fs/cgroup"]
      var v1 = ["/sys/fs/cgroup/memory"]
      if let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) {
        for line in text.split(separator: "\n") {
          let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
          guard parts.count == 3 else { continue }
          if parts[0] == "0" && parts[1].isEmpty {
            v2.insert("/sys/fs/cgroup" + parts[2], at: 0)
          } else if parts[1].split(separator: ",").contains("memory") {
            v1.insert("/sys/fs/cgroup/memory" + parts[2], at: 0)
          }
        }
      }
      for directory in v2 {
        if let limit = number(directory + "/memory.max") {
          return (limit, number(directory + "/memory.current") ?? 0)
        }
      }
      // cgroup v1: an unlimited group reports a huge number (about 2^63).
      for directory in v1 {
        if let limit = number(directory + "/memory.limit_in_bytes") {
          guard limit < 1 << 60 else { return nil }
          return (limit, number(directory + "/memory.usage_in_bytes") ?? 0)
        }
      }
      return nil
    }
  #endif
}
