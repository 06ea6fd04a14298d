import EmbeddingCore
import Foundation

/// Terminal output helpers for the command line: headings, errors, and whether stderr is a TTY.
enum Terminal {
  /// Whether standard error is an interactive terminal (draw bars) or a pipe (plain lines).
  static let isInteractive: Bool = isatty(2) != 0

  /// Prints a section heading.
  static func heading(_ text: String) {
    print("\n== \(text) ==")
  }

  /// Writes a line to standard error.
  static func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}

/// Draws `ProgressReport`s: a redrawn bar on a terminal, a plain line every few seconds when piped.
final class ProgressBar: @unchecked Sendable {
  private let lock = NSLock()
  private var lastDraw = 0.0
  private let interval: Double
  private let quiet: Bool

  /// `quiet` suppresses all output; `interval` is the minimum seconds between plain lines.
  init(quiet: Bool = false, interval: Double? = nil) {
    self.quiet = quiet
    self.interval = interval ?? (Terminal.isInteractive ? 0.1 : 5)
  }

  /// A handler to pass to library calls.
  var handler: ProgressHandler { { [self] report in self.draw(report) } }

  /// Draws one report (rate-limited), or always if `force`.
  func draw(_ report: ProgressReport, force: Bool = false) {
    guard !quiet else { return }
    lock.lock()
    defer { lock.unlock() }
    let now = MonotonicClock.now()
    guard force || now - lastDraw >= interval else { return }
    lastDraw = now
    var parts: [String] = []
    if let fraction = report.fraction {
      let width = 24
      let filled = Int(fraction * Double(width))
      let bar =
        String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
      parts.append("\(report.stage) [\(bar)] \(String(format: "%5.1f%%", fraction * 100))")
    } else {
      parts.append(report.stage)
    }
    parts.append("\(Self.compact(Double(report.completed))) \(report.unit)")
    parts.append("\(Self.compact(report.rate)) \(report.unit)/s")
    for (key, value) in report.metrics.sorted(by: { $0.key < $1.key }) {
      parts.append("\(key) \(String(format: value < 0.01 ? "%.2e" : "%.4g", value))")
    }
    if let eta = report.eta { parts.append("ETA \(Self.duration(eta))") }
    let line = parts.joined(separator: "  ")
    if Terminal.isInteractive {
      FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    } else {
      FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
  }

  /// Ends the bar's line (call once when the job is done).
  func finish() {
    if !quiet && Terminal.isInteractive { FileHandle.standardError.write(Data("\n".utf8)) }
  }

  static func compact(_ x: Double) -> String {
    switch x {
    case 1e9...: return String(format: "%.2fG", x / 1e9)
    case 1e6...: return String(format: "%.2fM", x / 1e6)
    case 1e4...: return String(format: "%.1fk", x / 1e3)
    default: return String(format: "%.0f", x)
    }
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600
      ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
      : String(format: "%d:%02d", s / 60, s % 60)
  }
}
