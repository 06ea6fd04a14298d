#if Server
import EmbeddingCore
import Foundation
import Testing
import Tokenization

@testable import EmbeddingServer

/// `POST /v1/embeddings` over real HTTP on loopback: OpenAI's request and response shapes.
@Suite struct EmbeddingsEndpointTests {
  let model = "test-encoder"

  @Test func oneStringGivesOpenAIShapeAndTheEncodersVector() async throws {
    let encoder = TestEncoder()
    let server = try await TestServer.start { encoder }
    let reply = try await server.embed([
      "input": "the quick brown fox", "model": model, "user": "u1",
    ])
    #expect(reply.status == 200)
    #expect(reply.header("Content-Type") == "application/json")
    let json = reply.json
    #expect(json["object"] as? String == "list")
    #expect(json["model"] as? String == model)
    let usage = try #require(json["usage"] as? [String: Int])
    #expect(usage == ["prompt_tokens": 4, "total_tokens": 4])
    let data = try #require(json["data"] as? [[String: Any]])
    #expect(data.count == 1)
    #expect(data[0]["object"] as? String == "embedding")
    #expect(data[0]["index"] as? Int == 0)
    let expected = try encoder.encode("the quick brown fox")
    let got = embeddings(reply)[0]
    #expect(got.count == 16)
    for (a, b) in zip(got, expected) { #expect(abs(a - b) <= 1e-6) }
    try await server.stop()
  }

  @Test func listKeepsOrderAndIndexes() async throws {
    let encoder = TestEncoder()
    let server = try await TestServer.start { encoder }
    let texts = (0..<50).map { "text number \($0) with words" }
    let reply = try await server.embed(["input": texts, "model": model])
    #expect(reply.status == 200)
    let data = try #require(reply.json["data"] as? [[String: Any]])
    #expect(data.map { $0["index"] as? Int } == Array(0..<50))
    let expected = try encoder.encode(texts, role: .plain)
    for (r, row) in embeddings(reply).enumerated() {
      for (c, v) in row.enumerated() { #expect(abs(v - expected[r, c]) <= 1e-6) }
    }
    #expect((reply.json["usage"] as? [String: Int])?["prompt_tokens"] == 250)
    try await server.stop()
  }

  @Test func base64IsLittleEndianFloat32OfTheSameVector() async throws {
    let server = try await TestServer.start { TestEncoder() }
    let floats = try await server.embed(["input": ["a b", "c"], "model": model])
    let b64 = try await server.embed(
      ["input": ["a b", "c"], "model": model, "encoding_format": "base64"])
    #expect(b64.status == 200)
    let data = try #require(b64.json["data"] as? [[String: Any]])
    for (i, item) in data.enumerated() {
      let text = try #require(item["embedding"] as? String)
      let bytes = try #require(Data(base64Encoded: text))
      #expect(bytes.count == 16 * 4)
      let raw = [UInt8](bytes)
      var values: [Float] = []
      for k in 0..<16 {
        var bits: UInt32 = 0
        for b in 0..<4 { bits |= UInt32(raw[4 * k + b]) << (8 * UInt32(b)) }
        values.append(Float(bitPattern: bits))
      }
      #expect(values == embeddings(floats)[i])
    }
    try await server.stop()
  }

  @Test func dimensionsTruncatesAndRenormalises() async throws {
    let server = try await TestServer.start { TestEncoder() }
    let full = embeddings(try await server.embed(["input": "hello there world", "model": model]))[0]
    let short = try await server.embed([
      "input": "hello there world", "model": model, "dimensions": 5,
    ])
    #expect(short.status == 200)
    let v = embeddings(short)[0]
    #expect(v.count == 5)
    let norm = full[0..<5].reduce(0) { $0 + $1 * $1 }.squareRoot()
    for k in 0..<5 { #expect(abs(v[k] - full[k] / norm) <= 1e-6) }
    #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) <= 1e-5)
    for bad in [0, 17, -3] {
      let reply = try await server.embed(["input": "x", "model": model, "dimensions": bad])
      #expect(reply.status == 400)
      #expect(reply.error("param") == "dimensions")
    }
    try await server.stop()
  }

  @Test func tokenArraysAreDecodedAsCl100k() async throws {
    let server = try await TestServer.start { TestEncoder() }
    // What OpenAI clients send: cl100k_base IDs ("hello world" = [15339, 1917]).
    let bpe = try BytePairEncoder.named(.cl100k_base)
    let second = try bpe.encode("good day, señor")
    #expect(try bpe.encode("hello world") == [15339, 1917])
    let text = try await server.embed([
      "input": ["hello world", "good day, señor"], "model": model,
    ])
    let one = try await server.embed(["input": [15339, 1917], "model": model])
    let many = try await server.embed(["input": [[15339, 1917], second], "model": model])
    #expect(one.status == 200)
    #expect(many.status == 200)
    #expect(embeddings(one)[0] == embeddings(text)[0])
    #expect(embeddings(many) == embeddings(text))
    let bad = try await server.embed(["input": [[15339, 99_999_999]], "model": model])
    #expect(bad.status == 400)
    #expect(bad.error("message")?.contains("cl100k_base") == true)
    try await server.stop()
  }

  @Test func inputTypeQuerySelectsTheQueryRole() async throws {
    let server = try await TestServer.start { TestEncoder() }
    let plain = try await server.embed(["input": "some words", "model": model])
    let query = try await server.embed([
      "input": "some words", "model": model, "input_type": "query",
    ])
    #expect(query.status == 200)
    #expect(embeddings(plain)[0] != embeddings(query)[0])
    let bad = try await server.embed(["input": "x", "model": model, "input_type": "document"])
    #expect(bad.status == 400)
    try await server.stop()
  }

  @Test func modelsListsTheServedModel() async throws {
    let server = try await TestServer.start(["model-name": "mini"]) { TestEncoder() }
    let list = try await server.request("GET", "/v1/models")
    #expect(list.status == 200)
    #expect(list.json["object"] as? String == "list")
    let data = try #require(list.json["data"] as? [[String: Any]])
    #expect(data.map { $0["id"] as? String } == ["mini"])
    #expect(data[0]["object"] as? String == "model")
    #expect(try await server.request("GET", "/v1/models/mini").status == 200)
    #expect(try await server.request("GET", "/v1/models/other").status == 404)
    let wrong = try await server.embed(["input": "x", "model": "text-embedding-3-small"])
    #expect(wrong.status == 404)
    #expect(wrong.error("code") == "model_not_found")
    #expect(try await server.embed(["input": "x", "model": "mini"]).status == 200)
    try await server.stop()
  }

  @Test func allowAnyModelAnswersWithTheServedModel() async throws {
    let server = try await TestServer.start(["allow-any-model": "true"]) { TestEncoder() }
    let reply = try await server.embed(["input": "x", "model": "text-embedding-3-small"])
    #expect(reply.status == 200)
    #expect(reply.json["model"] as? String == model)
    try await server.stop()
  }
}
#endif
