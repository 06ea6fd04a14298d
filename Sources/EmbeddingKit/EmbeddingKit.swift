// The umbrella module: `import EmbeddingKit` brings in every layer of the package.
@_exported import EmbeddingCore
@_exported import InputEmbeddings
@_exported import Projection
@_exported import SentenceEmbeddings
@_exported import Tokenization
@_exported import Word2Vec
@_exported import WordEmbeddings
