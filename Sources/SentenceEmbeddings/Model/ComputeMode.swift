/// How the encoder's linear layers compute.
///
/// ```swift
/// let model = try BertModel(directory: dir, compute: .int8)
/// ```
public enum ComputeMode: String, Sendable, CaseIterable {
  /// Float32 throughout (matches sentence-transformers to ~1e-6).
  case float32
  /// Linear layers in int8: weights symmetric per output channel, activations asymmetric u8 per
  /// row, int32 accumulation (`QuantizedLinear`); attention, LayerNorm and pooling stay float32.
  case int8
}
