#if Server
import EmbeddingCore
import Foundation

/// Every setting of the embedding server, with OpenAI-like defaults.
///
/// Settings come from (highest first) command-line flags, environment variables
/// `EMBEDDINGKIT_SERVER_<NAME>` (`EMBEDDINGKIT_SERVER_MAX_BATCH_SIZE=64`) and a JSON config file
/// (`{"port": 8080, "max-batch-size": 64}`); all three use the same names, listed in `keys`.
///
/// ```swift
/// var config = ServerConfiguration()
/// try config.apply(["port": "0", "api-key": "secret"], source: "test")
/// ```
public struct ServerConfiguration: Sendable, Equatable {
  /// Address to bind; loopback unless told otherwise.
  public var host = "127.0.0.1"
  /// TCP port; 0 picks a free one (reported by `EmbeddingServer.onListening`).
  public var port = 8080
  /// Model folder for `embed-server` (the library itself takes an encoder).
  public var modelDirectory: String?
  /// Retrieval index for `/v1/search`, when served.
  public var indexPath: String?
  /// When set, every route but `/health` needs `Authorization: Bearer <apiKey>`.
  public var apiKey: String?
  /// The model id clients send and `/v1/models` lists; the encoder's name when nil.
  public var modelName: String?
  /// Accept any `model` value in requests (answered by the one served model).
  public var allowAnyModel = false
  /// Most texts per encoder call.
  public var maxBatchSize = 32
  /// Encoder calls that may run at once (nil: 1 in the library; `embed-server` runs one per core,
  /// each on one thread, so no batch waits for a straggling thread of another).
  public var encoderWorkers: Int?
  /// Longest wait, in milliseconds, for a batch to fill before it is encoded anyway.
  public var maxWaitMilliseconds = 5.0
  /// Most texts waiting in the queue; past it, requests get `429` with `Retry-After`.
  public var maxQueuedTexts = 4096
  /// Largest request body in bytes; larger bodies get `413`.
  public var maxBodyBytes = 16 * 1024 * 1024
  /// Most inputs in one request (OpenAI: 2048).
  public var maxInputsPerRequest = 2048
  /// Most tokens in one input (OpenAI: 8192); longer inputs get `400` unless `truncate` is set.
  public var maxTokensPerInput = 8192
  /// Cut over-long inputs to `maxTokensPerInput` tokens instead of answering `400`.
  public var truncate = false
  /// Seconds a connection may stay idle (also bounds clients that send headers slowly).
  public var idleTimeoutSeconds = 30.0
  /// swift-log level: trace, debug, info, notice, warning, error, critical.
  public var logLevel = "info"

  /// Creates the default configuration.
  public init() {}

  /// The setting names accepted by flags (`--max-batch-size`), env vars and config files.
  public static let keys = [
    "host", "port", "model", "index", "api-key", "model-name", "allow-any-model", "max-batch-size",
    "encoder-workers", "max-wait-ms", "max-queue", "max-body-bytes", "max-inputs",
    "max-tokens-per-input",
    "truncate", "idle-timeout", "log-level",
  ]

  /// Sets the named settings from strings; `source` names where they came from in errors.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` naming the key, the source and the valid range.
  public mutating func apply(_ values: [String: String], source: String) throws(EmbeddingError) {
    for key in values.keys.sorted() {
      guard let raw = values[key] else { continue }
      let name = key.replacingOccurrences(of: "_", with: "-").lowercased()
      func int(_ range: ClosedRange<Int>) throws(EmbeddingError) -> Int {
        guard let v = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
          throw .invalidArgument("\(source): \(name) must be an integer in \(range), got '\(raw)'")
        }
        return v
      }
      func double(_ range: ClosedRange<Double>) throws(EmbeddingError) -> Double {
        guard let v = Double(raw.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
          throw .invalidArgument("\(source): \(name) must be a number in \(range), got '\(raw)'")
        }
        return v
      }
      func bool() throws(EmbeddingError) -> Bool {
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .invalidArgument("\(source): \(name) must be true or false, got '\(raw)'")
        }
      }
      switch name {
      case "host": host = raw
      case "port": port = try int(0...65535)
      case "model": modelDirectory = raw
      case "index": indexPath = raw
      case "api-key": apiKey = raw.isEmpty ? nil : raw
      case "model-name": modelName = raw
      case "allow-any-model": allowAnyModel = try bool()
      case "max-batch-size": maxBatchSize = try int(1...65536)
      case "encoder-workers": encoderWorkers = try int(1...1024)
      case "max-wait-ms": maxWaitMilliseconds = try double(0...10_000)
      case "max-queue": maxQueuedTexts = try int(1...10_000_000)
      case "max-body-bytes": maxBodyBytes = try int(1024...(1 << 34))
      case "max-inputs": maxInputsPerRequest = try int(1...1_000_000)
      case "max-tokens-per-input": maxTokensPerInput = try int(1...10_000_000)
      case "truncate": truncate = try bool()
      case "idle-timeout": idleTimeoutSeconds = try double(0.1...86_400)
      case "log-level": logLevel = raw
      default:
        throw .invalidArgument(
          "\(source): unknown setting '\(key)'; known: \(Self.keys.joined(separator: ", "))")
      }
    }
  }

  /// The settings found in `environment` as `EMBEDDINGKIT_SERVER_<NAME>` (dashes as underscores).
  public static func environmentValues(_ environment: [String: String]) -> [String: String] {
    var out: [String: String] = [:]
    for key in keys {
      let variable =
        "EMBEDDINGKIT_SERVER_" + key.replacingOccurrences(of: "-", with: "_").uppercased()
      if let value = environment[variable] { out[key] = value }
    }
    return out
  }

  /// The settings in a JSON config file: one object whose keys are setting names and whose values are
  /// strings, numbers or booleans.
  ///
  /// - Throws: `EmbeddingError.io` if unreadable, `.malformed` if not such an object.
  public static func fileValues(path: String) throws(EmbeddingError) -> [String: String] {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw .io(path: path, reason: "cannot read the config file (\(error.localizedDescription))")
    }
    guard let object = try? JSONDecoder().decode([String: ConfigValue].self, from: data) else {
      throw .malformed(
        path: path, location: "byte 0",
        reason:
          "a config file is one JSON object of strings, numbers or booleans such as "
          + "{\"port\": 8080, \"api-key\": \"…\"}")
    }
    var out: [String: String] = [:]
    for (key, value) in object { out[key] = value.text }
    return out
  }

  /// The configuration from defaults, then `file`, then the environment, then `flags`.
  public static func resolve(
    flags: [String: String], configFile: String?, environment: [String: String]
  ) throws(EmbeddingError) -> ServerConfiguration {
    var config = ServerConfiguration()
    if let configFile { try config.apply(fileValues(path: configFile), source: configFile) }
    try config.apply(environmentValues(environment), source: "environment")
    try config.apply(flags, source: "command line")
    return config
  }
}

/// One value of a JSON config file, kept as the text a flag would carry.
private struct ConfigValue: Decodable {
  let text: String

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if let b = try? c.decode(Bool.self) {
      text = b ? "true" : "false"
    } else if let i = try? c.decode(Int.self) {
      text = String(i)
    } else if let d = try? c.decode(Double.self) {
      text = String(d)
    } else {
      text = try c.decode(String.self)
    }
  }
}
#endif
