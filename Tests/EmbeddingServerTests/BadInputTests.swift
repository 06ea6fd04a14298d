#if Server
import Foundation
import Testing

@testable import EmbeddingServer

/// Bad requests get the right status and an OpenAI error object, and the server keeps serving.
@Suite struct BadInputTests {
  let model = "test-encoder"

  /// Checks an OpenAI-style error object with `status`.
  func expectError(
    _ reply: TestServer.Reply, _ status: Int, param: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(reply.status == status, sourceLocation: sourceLocation)
    let error = reply.json["error"] as? [String: Any]
    #expect(
      error != nil, "no error object: \(String(decoding: reply.body, as: UTF8.self))",
      sourceLocation: sourceLocation)
    #expect((error?["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(error?["type"] is String, sourceLocation: sourceLocation)
    #expect(error?.keys.contains("param") == true, sourceLocation: sourceLocation)
    #expect(error?.keys.contains("code") == true, sourceLocation: sourceLocation)
    if let param { #expect(error?["param"] as? String == param, sourceLocation: sourceLocation) }
  }

  @Test func malformedJSONAndWrongTypes() async throws {
    let server = try await TestServer.start { TestEncoder() }
    let raw: [String] = [
      "{\"input\": \"abc\", \"model\": ", "not json", "", "[1, 2]", "\"text\"", "null",
    ]
    for body in raw {
      expectError(try await server.request("POST", "/v1/embeddings", body: Data(body.utf8)), 400)
    }
    let cases: [([String: Any], String)] = [
      (["input": 5, "model": model], "input"),
      (["input": ["a", 3], "model": model], "input"),
      (["input": [["a"]], "model": model], "input"),
      (["input": ["x": 1], "model": model], "input"),
      (["model": model], "input"),
      (["input": NSNull(), "model": model], "input"),
      (["input": "a"], "model"),
      (["input": "a", "model": 7], "model"),
      (["input": "a", "model": model, "encoding_format": "hex"], "encoding_format"),
      (["input": "a", "model": model, "encoding_format": 1], "encoding_format"),
      (["input": "a", "model": model, "dimensions": "8"], "dimensions"),
      (["input": "a", "model": model, "dimensions": 2.5], "dimensions"),
      (["input": "a", "model": model, "user": 12], "user"),
      (["input": "", "model": model], "input"),
      (["input": ["a", ""], "model": model], "input"),
    ]
    for (object, param) in cases {
      expectError(try await server.embed(object), 400, param: param)
    }
    #expect(try await server.embed(["input": "still fine", "model": model]).status == 200)
    try await server.stop()
  }

  @Test func emptyListAndTooManyInputs() async throws {
    let server = try await TestServer.start { TestEncoder() }
    expectError(try await server.embed(["input": [String](), "model": model]), 400, param: "input")
    let many = (0..<10_000).map { "input \($0)" }
    let reply = try await server.embed(["input": many, "model": model])
    expectError(reply, 400, param: "input")
    #expect(reply.error("message")?.contains("2048") == true)
    let ok = try await server.embed(["input": Array(many.prefix(2048)), "model": model])
    #expect(ok.status == 200)
    #expect(embeddings(ok).count == 2048)
    try await server.stop()
  }

  @Test func oversizedBodyIs413() async throws {
    let server = try await TestServer.start(["max-body-bytes": "1048576"]) { TestEncoder() }
    let big = String(repeating: "word ", count: 300_000)  // 1.5 MB
    let reply = try await server.embed(["input": big, "model": model])
    expectError(reply, 413)
    #expect(try await server.request("GET", "/health").status == 200)
    try await server.stop()
  }

  @Test func oneMegabyteInputIsRejectedOrTruncated() async throws {
    let text = String(repeating: "token ", count: 175_000)  // 1.05 MB, 175,000 tokens
    let strict = try await TestServer.start { TestEncoder() }
    let reply = try await strict.embed(["input": text, "model": model])
    expectError(reply, 400, param: "input")
    #expect(reply.error("code") == "context_length_exceeded")
    try await strict.stop()

    let lenient = try await TestServer.start(["truncate": "true", "max-tokens-per-input": "512"]) {
      TestEncoder()
    }
    let cut = try await lenient.embed(["input": text, "model": model])
    #expect(cut.status == 200)
    #expect((cut.json["usage"] as? [String: Int])?["prompt_tokens"] == 512)
    let short = String(repeating: "token ", count: 512)
    let same = try await lenient.embed(["input": short, "model": model])
    #expect(embeddings(cut) == embeddings(same))
    try await lenient.stop()
  }

  @Test func invalidUTF8Is400() async throws {
    let server = try await TestServer.start { TestEncoder() }
    var body = Data("{\"input\": \"abc".utf8)
    body.append(contentsOf: [0xFF, 0xFE, 0xC3])
    body.append(contentsOf: Data("\", \"model\": \"test-encoder\"}".utf8))
    expectError(try await server.request("POST", "/v1/embeddings", body: body), 400)
    try await server.stop()
  }

  @Test func unknownRoutesAndMethods() async throws {
    let server = try await TestServer.start { TestEncoder() }
    expectError(try await server.request("GET", "/v1/nothing"), 404)
    expectError(
      try await server.request("POST", "/v1/chat/completions", body: Data("{}".utf8)), 404)
    let wrong = try await server.request("GET", "/v1/embeddings")
    expectError(wrong, 405)
    #expect(wrong.header("Allow") == "POST")
    expectError(try await server.request("DELETE", "/v1/models"), 405)
    expectError(try await server.request("PUT", "/health", body: Data()), 405)
    try await server.stop()
  }

  @Test func apiKeyGuardsEveryRouteButHealth() async throws {
    let server = try await TestServer.start(["api-key": "s3cret"]) { TestEncoder() }
    let body: [String: Any] = ["input": "x", "model": model]
    let missing = try await server.embed(body)
    expectError(missing, 401)
    #expect(missing.error("code") == "invalid_api_key")
    for header in ["Bearer wrong", "Bearer s3cre", "Bearer s3cret2", "s3cret", "Basic s3cret"] {
      expectError(try await server.embed(body, headers: ["Authorization": header]), 401)
    }
    expectError(try await server.request("GET", "/v1/models"), 401)
    expectError(try await server.request("GET", "/metrics"), 401)
    expectError(try await server.request("GET", "/nowhere"), 401)
    #expect(try await server.request("GET", "/health").status == 200)
    let ok = try await server.embed(body, headers: ["Authorization": "Bearer s3cret"])
    #expect(ok.status == 200)
    #expect(
      try await server.request("GET", "/v1/models", headers: ["Authorization": "Bearer s3cret"])
        .status
        == 200)
    try await server.stop()
  }

  @Test func keyComparisonIsExact() {
    #expect(APIKeyCheck.matches(header: "Bearer k", key: "k"))
    #expect(!APIKeyCheck.matches(header: "Bearer k ", key: "k"))
    #expect(!APIKeyCheck.matches(header: "Bearer ", key: "k"))
    #expect(!APIKeyCheck.matches(header: nil, key: "k"))
    #expect(!APIKeyCheck.matches(header: "bearer k", key: "k"))
  }
}
#endif
