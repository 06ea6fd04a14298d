#!/usr/bin/env python3
"""Trains the word vectors the projection benchmark uses and writes the 10,000 most frequent words.

gensim Word2Vec (skip-gram, 100 dimensions, window 5, min_count 5, 5 epochs, seed 1, 2 workers) on
../shared/data/corpus/en-words-1m.txt; the first 10,000 rows (most frequent first) are written in
word2vec binary format. Usage: projection_vectors.py OUT.bin [--words 10000]
"""
import argparse, os, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "..", "..", "shared", "data", "corpus", "en-words-1m.txt")

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--words", type=int, default=10_000)
args = ap.parse_args()
if not os.path.exists(corpus):
    sys.exit(f"skipped: {corpus} is absent")
t = time.time()
model = Word2Vec(LineSentence(corpus), vector_size=100, window=5, min_count=5, sg=1,
                 epochs=5, seed=1, workers=2)
words = model.wv.index_to_key[: args.words]
vectors = model.wv.vectors[: args.words].astype("float32")
with open(args.out, "wb") as f:  # word2vec binary: "N D\n", then "word " + D float32 + "\n"
    f.write(f"{len(words)} {vectors.shape[1]}\n".encode())
    for w, v in zip(words, vectors):
        f.write(w.encode() + b" " + v.tobytes() + b"\n")
print(f"trained {len(model.wv)} words in {time.time() - t:.1f}s; wrote {args.words} to {args.out}",
      file=sys.stderr)
