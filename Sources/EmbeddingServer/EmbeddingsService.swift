#if Server
import EmbeddingCore
import Foundation
import Tokenization

/// The `POST /v1/embeddings` logic: validation, limits, token counting, batching, the response.
struct EmbeddingsService: Sendable {
  /// The served encoder.
  let encoder: any TextEncoder
  /// The dynamic-batching queue in front of it.
  let queue: BatchQueue
  /// The model id clients send.
  let modelID: String
  /// Limits and switches.
  let configuration: ServerConfiguration
  /// Where texts and tokens are counted.
  let metrics: ServerMetrics

  /// Answers one request body.
  ///
  /// - Throws: `APIError` with OpenAI's status and message for every client mistake.
  func respond(to body: [UInt8]) async throws -> [UInt8] {
    let request = try EmbeddingsRequest.parse(body)
    guard configuration.allowAnyModel || request.model == modelID else {
      throw APIError(
        status: .notFound,
        message:
          "The model '\(request.model)' does not exist: this server serves '\(modelID)' "
          + "(GET /v1/models), or start it with --allow-any-model",
        param: "model", code: "model_not_found")
    }
    guard request.input.count <= configuration.maxInputsPerRequest else {
      throw APIError.invalid(
        "'input' has \(request.input.count) items; at most \(configuration.maxInputsPerRequest) "
          + "inputs per request (server setting max-inputs): send several requests",
        param: "input")
    }
    if let d = request.dimensions, !(1...encoder.dimension).contains(d) {
      throw APIError.invalid(
        "'dimensions' must be between 1 and \(encoder.dimension) for \(modelID), got \(d)",
        param: "dimensions")
    }
    var texts = try Self.texts(of: request.input)
    var promptTokens = 0
    let limit = configuration.maxTokensPerInput
    for i in texts.indices {
      let spans = encoder.tokenSpans(of: texts[i])
      if spans.count > limit {
        guard configuration.truncate else {
          throw APIError.invalid(
            "input[\(i)] has \(spans.count) tokens; this server's limit is \(limit) tokens per input "
              + "(server settings max-tokens-per-input, or truncate=true to cut long inputs)",
            param: "input", code: "context_length_exceeded")
        }
        let end = spans[limit - 1].upperBound
        texts[i] = String(decoding: texts[i].utf8.prefix(end), as: UTF8.self)
        promptTokens += limit
      } else {
        promptTokens += spans.count
      }
    }
    var rows: Matrix
    do {
      rows = try await queue.encode(texts, role: request.role)
    } catch let full as BatchQueue.Full {
      var error = APIError(
        status: .tooManyRequests,
        message:
          "The server is busy: \(full.queued) texts are queued (limit \(configuration.maxQueuedTexts)). "
          + "Retry after the delay in Retry-After, or send fewer texts at once",
        type: "requests", code: "rate_limit_exceeded")
      error.headers[.retryAfter] = "1"
      throw error
    } catch {
      throw APIError(
        status: .internalServerError, message: "the encoder failed: \(error)", type: "server_error")
    }
    if let d = request.dimensions, d < rows.columns {
      rows = EmbeddingsResponse.truncate(rows, to: d)
    }
    metrics.texts.increment(by: Int64(texts.count))
    metrics.tokens.increment(by: Int64(promptTokens))
    guard
      let out = EmbeddingsResponse.body(
        rows: rows, model: modelID, promptTokens: promptTokens, base64: request.base64)
    else {
      throw APIError(
        status: .internalServerError, message: "the encoder produced a non-finite value",
        type: "server_error")
    }
    return out
  }

  /// The texts of the request; token arrays are decoded as cl100k_base, the tokenizer of OpenAI's
  /// embedding models, which is what OpenAI clients (LangChain, LlamaIndex) send.
  static func texts(of input: EmbeddingsRequest.Input) throws -> [String] {
    switch input {
    case .texts(let texts):
      return texts
    case .tokens(let lists):
      let bpe: BytePairEncoder
      do { bpe = try BytePairEncoder.named(.cl100k_base) } catch {
        throw APIError(
          status: .internalServerError,
          message:
            "token-ID input needs the cl100k_base vocabulary, which failed to load: \(error)",
          type: "server_error")
      }
      var texts: [String] = []
      texts.reserveCapacity(lists.count)
      for (i, ids) in lists.enumerated() {
        do {
          texts.append(try bpe.decodeText(ids))
        } catch {
          throw APIError.invalid(
            "input[\(i)] holds a token ID that is not in cl100k_base (0..<\(bpe.vocabularySize)); "
              + "token arrays are read as cl100k_base IDs, or send the text itself",
            param: "input")
        }
      }
      return texts
    }
  }
}
#endif
