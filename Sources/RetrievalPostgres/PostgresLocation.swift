#if Postgres
import EmbeddingCore
import Foundation

/// A parsed `postgres://user:password@host:port/database?schema=name&sslmode=disable` URL.
///
/// The password may also come from `PGPASSWORD`; the user defaults to `postgres`, the port to 5432
/// and the database to the user's name. `schema` (default `embeddingkit`) names the PostgreSQL
/// schema holding the index's tables, so one database can hold several indexes. `sslmode` is
/// `disable` (default on 127.0.0.1/localhost), `prefer` (default elsewhere) or `require`.
public struct PostgresLocation: Sendable, Equatable {
  /// Host name or address.
  public var host: String
  /// TCP port.
  public var port: Int
  /// User name.
  public var user: String
  /// Password, if any.
  public var password: String?
  /// Database name.
  public var database: String
  /// Schema holding the tables.
  public var schema: String
  /// `disable`, `prefer` or `require`.
  public var sslMode: String

  /// Whether `text` is a PostgreSQL URL (`postgres://` or `postgresql://`).
  public static func isURL(_ text: String) -> Bool {
    text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
  }

  /// Parses `url`; throws with the expected form when it is not one.
  public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(EmbeddingError)
  {
    let form = "postgres://user[:password]@host[:port]/database[?schema=name&sslmode=disable]"
    guard Self.isURL(url), let parts = URLComponents(string: url), let host = parts.host,
      !host.isEmpty
    else {
      throw .invalidArgument("'\(Self.redacted(url))' is not a PostgreSQL URL; use \(form)")
    }
    self.host = host
    self.port = parts.port ?? 5432
    self.user = parts.user.flatMap { $0.removingPercentEncoding ?? $0 } ?? "postgres"
    self.password =
      parts.password.flatMap { $0.removingPercentEncoding ?? $0 } ?? environment["PGPASSWORD"]
    let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
    self.database = path.isEmpty ? user : path
    var schema = "embeddingkit"
    let local = ["127.0.0.1", "localhost", "::1"].contains(host)
    var sslMode = local ? "disable" : "prefer"
    for item in parts.queryItems ?? [] {
      switch item.name {
      case "schema": schema = item.value ?? ""
      case "sslmode": sslMode = item.value ?? ""
      default:
        throw .invalidArgument(
          "unknown URL parameter '\(item.name)' in \(Self.redacted(url)); use \(form)")
      }
    }
    guard let first = schema.unicodeScalars.first, first == "_" || first.properties.isLowercase,
      schema.unicodeScalars.allSatisfy({
        $0 == "_" || ($0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0)))
      }),
      schema.count <= 63
    else {
      throw .invalidArgument(
        "schema '\(schema)' must be lower-case letters, digits and _ (starting with a letter or _)")
    }
    guard ["disable", "prefer", "require"].contains(sslMode) else {
      throw .invalidArgument("sslmode must be disable, prefer or require, got '\(sslMode)'")
    }
    self.schema = schema
    self.sslMode = sslMode
  }

  /// The URL without its password (for messages).
  public var description: String {
    let h = host.contains(":") ? "[\(host)]" : host
    let s = schema == "embeddingkit" ? "" : "?schema=\(schema)"
    return "postgres://\(user)@\(h):\(port)/\(database)\(s)"
  }

  /// `url` with any password replaced by `***`.
  static func redacted(_ url: String) -> String {
    guard var parts = URLComponents(string: url), parts.password != nil else { return url }
    parts.password = "***"
    return parts.string ?? url
  }
}
#endif
