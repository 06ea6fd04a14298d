#if Server
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The server tests' HTTP client: one loopback connection per exchange, plain blocking sockets with
/// a timeout on every read and write, each exchange on a thread of its own.
///
/// Why not URLSession: stop 18's CI run stopped at its time limit with these tests among the
/// unfinished ones. Whether a URLSession request hung, or they only waited behind a PostgreSQL test
/// that did (see `endsInTime` in PostgresFaultTests), the block-buffered log cannot tell. Here each
/// read and write has a kernel timeout, so an exchange always ends. Why a thread of its own: a
/// blocking read on one of Swift's cooperative threads (one per core) would starve the server under
/// test, whose handlers run on those same threads.
enum LoopbackHTTP {
  /// Thrown when the server's answer is not HTTP or does not come in time.
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// Runs `body` on a new thread and returns what it returns.
  static func offCooperativeThreads<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      let thread = Thread { continuation.resume(returning: body()) }
      thread.start()
    }
  }

  /// Sends `pieces` on a new connection to `port`, pausing `pause` seconds between them, and returns
  /// the bytes the server wrote until it closed the connection or `readTimeout` passed with nothing
  /// to read (nil if the connection was refused; empty when `readReply` is false).
  static func exchange(
    port: Int, send pieces: [[UInt8]], pause: Double = 0, readReply: Bool = true,
    readTimeout: Double = 60
  ) -> [UInt8]? {
    #if canImport(Glibc)
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    // A server that answers and closes before reading everything must not end the test process
    // with SIGPIPE.
    #if canImport(Glibc)
      let noSignal = Int32(MSG_NOSIGNAL)
    #else
      let noSignal: Int32 = 0
      var one: Int32 = 1
      setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
    #endif
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { return nil }
    var timeout = timeval(tv_sec: Int(readTimeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    for (i, piece) in pieces.enumerated() {
      if i > 0, pause > 0 { Thread.sleep(forTimeInterval: pause) }
      var sent = 0
      while sent < piece.count {
        let n = piece.withUnsafeBytes { send(fd, $0.baseAddress! + sent, piece.count - sent, noSignal) }
        if n <= 0 { break }
        sent += n
      }
    }
    guard readReply else { return [] }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      received.append(contentsOf: buffer[0..<n])
    }
    return received
  }

  /// One request (`Connection: close`) and its answer (header names lowercased).
  static func request(
    port: Int, method: String, path: String, headers: [String: String], body: Data?
  ) async throws -> TestServer.Reply {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    if let body {
      head += "Content-Length: \(body.count)\r\n"
      if headers.keys.allSatisfy({ $0.lowercased() != "content-type" }) {
        head += "Content-Type: application/json\r\n"
      }
    }
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    let bytes = Array((head + "\r\n").utf8) + Array(body ?? Data())
    let answer = await offCooperativeThreads { exchange(port: port, send: [bytes]) }
    guard let answer else { throw Failure(description: "connection to port \(port) refused") }
    return try parse(answer)
  }

  /// Splits an HTTP/1.1 response into status, headers and body (chunked bodies decoded).
  static func parse(_ answer: [UInt8]) throws -> TestServer.Reply {
    let separator: [UInt8] = [13, 10, 13, 10]
    guard let end = answer.indices.first(where: { answer[$0...].starts(with: separator) }) else {
      throw Failure(description: "no complete HTTP answer (\(answer.count) bytes)")
    }
    let lines = String(decoding: answer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = lines[0].split(separator: " ")
    guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."),
      let status = Int(statusParts[1])
    else { throw Failure(description: "not an HTTP status line: \(lines[0])") }
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
        .trimmingCharacters(in: .whitespaces)
    }
    var rest = Array(answer[(end + 4)...])
    if headers["transfer-encoding"]?.lowercased() == "chunked" {
      rest = try dechunk(rest)
    } else if let length = headers["content-length"].flatMap(Int.init) {
      guard rest.count >= length else {
        throw Failure(description: "body cut short: \(rest.count) of \(length) bytes")
      }
      rest = Array(rest.prefix(length))
    }
    return TestServer.Reply(status: status, headers: headers, body: Data(rest))
  }

  /// Decodes a chunked body.
  private static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
    var out: [UInt8] = []
    var i = 0
    while true {
      guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: {
        bytes[$0] == 13 && bytes[$0 + 1] == 10
      }) else { throw Failure(description: "chunked body cut short") }
      let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self)
      guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else {
        throw Failure(description: "bad chunk size \(sizeText)")
      }
      i = lineEnd + 2
      if size == 0 { return out }
      guard i + size <= bytes.count else { throw Failure(description: "chunk cut short") }
      out += bytes[i..<(i + size)]
      i += size + 2
    }
  }
}

/// `LoopbackHTTP.exchange` off the cooperative threads, as text; nil if the connection was refused.
func rawExchange(
  port: Int, send: [[UInt8]], pause: Double = 0, readReply: Bool = true, readTimeout: Double = 10
) async -> String? {
  await LoopbackHTTP.offCooperativeThreads {
    LoopbackHTTP.exchange(
      port: port, send: send, pause: pause, readReply: readReply, readTimeout: readTimeout
    ).map { String(decoding: $0, as: UTF8.self) }
  }
}
#endif
