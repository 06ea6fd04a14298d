#if Server
import EmbeddingCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Routes requests: auth, the OpenAI routes, health, metrics; every error as OpenAI's error object.
struct ServerResponder: HTTPResponder {
  typealias Context = BasicRequestContext

  let state: ServerState
  let configuration: ServerConfiguration
  let metrics: ServerMetrics
  let logger: Logger

  /// Routes and the methods each accepts (for `405` and `Allow`).
  static let routes: [String: [HTTPRequest.Method]] = [
    "/": [.get], "/health": [.get], "/metrics": [.get], "/v1/models": [.get],
    "/v1/embeddings": [.post], "/v1/search": [.post],
  ]

  func respond(to request: Request, context: Context) async throws -> Response {
    let start = ContinuousClock.now
    let path = request.uri.path
    let route =
      Self.routes[path] != nil ? path : path.hasPrefix("/v1/models/") ? "/v1/models/{id}" : "other"
    var response: Response
    do {
      response = try await dispatch(request, path: path)
    } catch let error as APIError {
      response = error.response()
    } catch is NIOTooManyBytesError {
      response = Self.tooLarge(configuration.maxBodyBytes).response()
    } catch {
      logger.notice("request failed", metadata: ["path": "\(path)", "error": "\(error)"])
      response = APIError(
        status: .internalServerError, message: "internal error: \(error)", type: "server_error"
      ).response()
    }
    let duration = ContinuousClock.now - start
    metrics.record(route: route, status: response.status.code, duration: duration)
    logger.debug(
      "request",
      metadata: [
        "method": "\(request.method.rawValue)", "path": "\(path)",
        "status": "\(response.status.code)",
        "ms":
          "\(Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1e3)",
      ])
    return response
  }

  static func tooLarge(_ limit: Int) -> APIError {
    APIError(
      status: .contentTooLarge,
      message:
        "the request body is larger than this server's limit of \(limit) bytes "
        + "(server setting max-body-bytes): send fewer or shorter inputs per request",
      code: "request_too_large")
  }

  private func dispatch(_ request: Request, path: String) async throws -> Response {
    if path == "/health", request.method == .get { return health() }
    if let key = configuration.apiKey,
      !APIKeyCheck.matches(header: request.headers[.authorization], key: key)
    {
      var error = APIError(
        status: .unauthorized,
        message:
          request.headers[.authorization] == nil
          ? "You didn't provide an API key: send the header Authorization: Bearer <key>"
          : "Incorrect API key provided", code: "invalid_api_key")
      error.headers[.wwwAuthenticate] = "Bearer"
      throw error
    }
    switch (request.method, path) {
    case (.get, "/metrics"):
      var headers = HTTPFields()
      headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
      return Response(
        status: .ok, headers: headers,
        body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    case (.get, "/v1/models"):
      let list = try models(only: nil)
      return json(.ok, list)
    case (.get, _) where path.hasPrefix("/v1/models/"):
      let one = try models(only: String(path.dropFirst("/v1/models/".count)))
      return json(.ok, one)
    case (.get, "/"):
      var headers = HTTPFields()
      headers[.contentType] = "text/html; charset=utf-8"
      headers[.contentSecurityPolicy] =
        "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
      return Response(
        status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: SearchPage.html)))
    case (.post, "/v1/search"):
      guard case .ready(let service, let backend) = state.phase else {
        _ = try ready()
        throw APIError(status: .internalServerError, message: "unreachable", type: "server_error")
      }
      guard let backend else {
        throw APIError(
          status: .notFound,
          message: "this server has no index: start it with --index INDEX to search",
          code: "no_index")
      }
      let bytes = try await body(of: request)
      let query = try SearchRequest.parse(bytes)
      let hits: [SearchResult]
      do { hits = try await backend.search(query) } catch let error as EmbeddingError {
        throw APIError.invalid("\(error)", param: "query")
      }
      return json(.ok, Self.searchBody(hits, model: service.modelID, mode: query.mode))
    case (.post, "/v1/embeddings"):
      let service = try ready()
      let bytes = try await body(of: request)
      let out = try await service.respond(to: bytes)
      return json(.ok, out)
    default:
      if let allowed = Self.routes[path] {
        var error = APIError(
          status: .methodNotAllowed,
          message:
            "\(request.method.rawValue) is not allowed on \(path); use "
            + allowed.map(\.rawValue).joined(separator: ", "))
        error.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        throw error
      }
      throw APIError(
        status: .notFound,
        message: "Invalid URL (\(request.method.rawValue) \(path)): the routes are "
          + "POST /v1/embeddings, GET /v1/models, POST /v1/search, GET /health, GET /metrics, GET /"
      )
    }
  }

  /// The request body, at most `maxBodyBytes` (else `413`).
  private func body(of request: Request) async throws -> [UInt8] {
    if let length = request.headers[.contentLength].flatMap(Int.init),
      length > configuration.maxBodyBytes
    {
      throw Self.tooLarge(configuration.maxBodyBytes)
    }
    let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
    return Array(buffer: body)
  }

  /// `{"object":"list","data":[{"id","score","title","text","chunk_index","metadata"}],"model","mode"}`.
  static func searchBody(_ hits: [SearchResult], model: String, mode: String) -> [UInt8] {
    struct Body: Encodable {
      var object = "list"
      var data: [SearchResult]
      var model: String
      var mode: String
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(Body(data: hits, model: model, mode: mode))) ?? Data("{}".utf8)
    return Array(data) + Array("\n".utf8)
  }

  private func ready() throws -> EmbeddingsService {
    switch state.phase {
    case .ready(let service, _): return service
    case .loading:
      var error = APIError(
        status: .serviceUnavailable, message: "the model is still loading: retry shortly",
        type: "server_error", code: "model_loading")
      error.headers[.retryAfter] = "1"
      throw error
    case .failed(let reason):
      throw APIError(
        status: .serviceUnavailable, message: "the model failed to load: \(reason)",
        type: "server_error", code: "model_load_failed")
    }
  }

  private func health() -> Response {
    switch state.phase {
    case .ready(let service, _):
      var out: [UInt8] = Array(#"{"status":"ok","model":"#.utf8)
      JSONText.appendString(service.modelID, to: &out)
      out.append(contentsOf: "}\n".utf8)
      return json(.ok, out)
    case .loading:
      return json(.serviceUnavailable, Array("{\"status\":\"loading\"}\n".utf8))
    case .failed(let reason):
      var out: [UInt8] = Array(#"{"status":"failed","reason":"#.utf8)
      JSONText.appendString(reason, to: &out)
      out.append(contentsOf: "}\n".utf8)
      return json(.serviceUnavailable, out)
    }
  }

  /// OpenAI's model list (`only == nil`) or one model object.
  private func models(only id: String?) throws -> [UInt8] {
    let service = try ready()
    let d = service.encoder.descriptor
    var model: [UInt8] = Array(#"{"id":"#.utf8)
    JSONText.appendString(service.modelID, to: &model)
    model.append(contentsOf: #","object":"model","created":0,"owned_by":"embeddingkit","#.utf8)
    model.append(contentsOf: #""dimension":\#(d.dimension),"kind":"#.utf8)
    JSONText.appendString(d.kind, to: &model)
    model.append(contentsOf: "}".utf8)
    guard let id else {
      return Array(#"{"object":"list","data":["#.utf8) + model + Array("]}\n".utf8)
    }
    guard id == service.modelID else {
      throw APIError(
        status: .notFound,
        message: "The model '\(id)' does not exist: this server serves '\(service.modelID)'",
        param: "model", code: "model_not_found")
    }
    return model + Array("\n".utf8)
  }

  private func json(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(
      status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
  }
}
#endif
