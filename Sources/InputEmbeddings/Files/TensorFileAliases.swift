import EmbeddingCore

/// The `.npy` reader/writer, now shared in EmbeddingCore; this name keeps code that imports
/// only InputEmbeddings compiling.
///
/// ```swift
/// let wte = try NumpyArrayFile.read(path: "wte.npy")
/// ```
public typealias NumpyArrayFile = EmbeddingCore.NumpyArrayFile

/// The safetensors reader, now shared in EmbeddingCore; this name keeps code that imports
/// only InputEmbeddings compiling.
///
/// ```swift
/// let wte = try SafetensorsFile(path: "model.safetensors").tensor(named: "wte")
/// ```
public typealias SafetensorsFile = EmbeddingCore.SafetensorsFile
