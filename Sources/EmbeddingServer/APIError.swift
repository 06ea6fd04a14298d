#if Server
import Foundation
import HTTPTypes
import Hummingbird

/// An error answered to the client as OpenAI's error object.
///
/// ```json
/// {"error": {"message": "…", "type": "invalid_request_error", "param": "input", "code": null}}
/// ```
/// The `type`/`code` pairs are OpenAI's: `invalid_request_error` (400, 404, 405, 413),
/// `invalid_api_key` (401), `rate_limit_exceeded` (429), `server_error` (500, 503).
struct APIError: Error, Sendable {
  /// HTTP status.
  var status: HTTPResponse.Status
  /// The human-readable message, naming the fix.
  var message: String
  /// OpenAI's error type.
  var type = "invalid_request_error"
  /// The request field at fault, if any.
  var param: String?
  /// OpenAI's machine-readable code, if any.
  var code: String?
  /// Extra headers (`Retry-After`, `Allow`, `WWW-Authenticate`).
  var headers: HTTPFields = [:]

  /// A `400` about one field.
  static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
    APIError(status: .badRequest, message: message, param: param, code: code)
  }

  /// The JSON response.
  func response() -> Response {
    var body: [UInt8] = []
    body.reserveCapacity(message.utf8.count + 128)
    body.append(contentsOf: #"{"error":{"message":"#.utf8)
    JSONText.appendString(message, to: &body)
    body.append(contentsOf: #","type":"#.utf8)
    JSONText.appendString(type, to: &body)
    body.append(contentsOf: #","param":"#.utf8)
    if let param {
      JSONText.appendString(param, to: &body)
    } else {
      body.append(contentsOf: "null".utf8)
    }
    body.append(contentsOf: #","code":"#.utf8)
    if let code {
      JSONText.appendString(code, to: &body)
    } else {
      body.append(contentsOf: "null".utf8)
    }
    body.append(contentsOf: "}}\n".utf8)
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(
      status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
  }
}

/// Minimal JSON text writing, for responses built without a generic encoder.
enum JSONText {
  /// Appends `s` as a JSON string literal (quotes and escapes included).
  static func appendString(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
      case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
      case 0x0A: out.append(contentsOf: #"\n"#.utf8)
      case 0x0D: out.append(contentsOf: #"\r"#.utf8)
      case 0x09: out.append(contentsOf: #"\t"#.utf8)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: #"\u00"#.utf8)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 15)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
#endif
