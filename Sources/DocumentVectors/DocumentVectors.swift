// DocumentVectors: sentence and document vectors without a transformer.
//
// - `PooledWordEncoder`: the mean or SIF-weighted mean (Arora et al. 2017) of word vectors.
// - `SIFModel`: SIF word weights and the common component, fitted on a corpus and saved.
// - `Doc2Vec`: paragraph vectors (Le & Mikolov 2014) with gensim's semantics.
