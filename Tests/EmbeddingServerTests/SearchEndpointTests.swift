#if Server
import EmbeddingCore
import Foundation
import Testing

@testable import EmbeddingServer

/// A backend that ranks a few documents by how many query words they contain.
struct WordCountBackend: SearchBackend {
  let documents = [
    ("cats", "Cats and kittens", "Cats sleep most of the day."),
    ("dogs", "Dogs", "Dogs like walks and cats dislike dogs."),
    ("tea", "Tea", "Green tea and black tea."),
  ]

  func search(_ query: SearchQuery) async throws -> [SearchResult] {
    if query.text == "fail" { throw EmbeddingError.invalidArgument("the query is refused") }
    let words = Set(query.text.lowercased().split(separator: " ").map(String.init))
    return documents.map { id, title, text in
      let hits = text.lowercased().split(whereSeparator: { !$0.isLetter }).filter {
        words.contains(String($0))
      }
      return SearchResult(
        id: id, score: Double(hits.count), title: title, text: text, metadata: ["mode": query.mode])
    }
    .filter { $0.score > 0 }
    .sorted { $0.score > $1.score }
    .prefix(query.k).map { $0 }
  }
}

/// `POST /v1/search` and the page at `/`.
@Suite struct SearchEndpointTests {
  @Test func searchReturnsRankedHits() async throws {
    let server = try await TestServer.start(
      [:], encoder: { TestEncoder() }, search: { _ in WordCountBackend() })
    let reply = try await server.request(
      "POST", "/v1/search", body: Data(#"{"query": "cats dogs", "k": 2, "mode": "bm25"}"#.utf8))
    #expect(reply.status == 200)
    let data = try #require(reply.json["data"] as? [[String: Any]])
    #expect(data.map { $0["id"] as? String } == ["dogs", "cats"])
    #expect(data[0]["chunk_index"] as? Int == 0)
    #expect((data[0]["metadata"] as? [String: String])?["mode"] == "bm25")
    for bad in [
      #"{"query": ""}"#, #"{"query": "x", "k": 0}"#, #"{"query": "x", "mode": "fuzzy"}"#,
      #"{"k": 3}"#, "[]",
    ] {
      let r = try await server.request("POST", "/v1/search", body: Data(bad.utf8))
      #expect(r.status == 400, "\(bad)")
      #expect(r.error("message") != nil)
    }
    let refused = try await server.request(
      "POST", "/v1/search", body: Data(#"{"query": "fail"}"#.utf8))
    #expect(refused.status == 400)
    #expect(refused.error("message")?.contains("refused") == true)
    try await server.stop()
  }

  @Test func withoutAnIndexSearchIs404() async throws {
    let server = try await TestServer.start { TestEncoder() }
    let reply = try await server.request("POST", "/v1/search", body: Data(#"{"query": "x"}"#.utf8))
    #expect(reply.status == 404)
    #expect(reply.error("code") == "no_index")
    try await server.stop()
  }

  @Test func pageIsSelfContainedHTML() async throws {
    let server = try await TestServer.start { TestEncoder() }
    let reply = try await server.request("GET", "/")
    #expect(reply.status == 200)
    #expect(reply.header("Content-Type")?.hasPrefix("text/html") == true)
    let html = String(decoding: reply.body, as: UTF8.self)
    #expect(html.contains("/v1/search"))
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="))
    try await server.stop()
  }
}
#endif
