#!/usr/bin/env python3
"""Generates the small word-vector fixtures in Tests/WordEmbeddingsTests/Fixtures with gensim.

Trains a small Word2Vec model on ../shared/data/corpus/en-words-1m.txt, keeps the 400 most
frequent words (16 dims), writes them in every format the tests read, and records gensim's
answers to the queries and evaluations the Swift tests check (expected.json).

    /work/venv/bin/python Benchmarks/make_wordvector_fixtures.py
"""
import json
import os
import random
import struct
import sys

import numpy as np
from gensim.models import KeyedVectors, Word2Vec
from gensim.models.word2vec import LineSentence

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "Tests", "WordEmbeddingsTests", "Fixtures")
CORPUS = os.path.join(ROOT, "..", "shared", "data", "corpus", "en-words-1m.txt")
os.makedirs(OUT, exist_ok=True)

model = Word2Vec(LineSentence(CORPUS, max_sentence_length=1000), vector_size=16, window=5,
                 min_count=5, workers=1, seed=7, epochs=2)
full = os.path.join("/tmp", "fixture-full.bin")
model.wv.save_word2vec_format(full, binary=True)
kv = KeyedVectors.load_word2vec_format(full, binary=True, limit=400)
words = list(kv.index_to_key)
counts = [int(model.wv.get_vecattr(w, "count")) for w in words]

# Every format.
kv.save_word2vec_format(os.path.join(OUT, "small.bin"), binary=True)
kv.save_word2vec_format(os.path.join(OUT, "small.txt"), binary=False)
kv.save_word2vec_format(os.path.join(OUT, "small.glove.txt"), binary=False, write_header=False)
# gensim writes binary rows back to back; the word2vec C tool ends each row with "\n".
with open(os.path.join(OUT, "small-newlines.bin"), "wb") as f:
    f.write(b"%d %d\n" % (len(words), kv.vector_size))
    for w in words:
        f.write(w.encode("utf-8") + b" " + kv[w].astype("<f4").tobytes() + b"\n")
np.save(os.path.join(OUT, "small.npy"), kv.vectors.astype("<f4"))
with open(os.path.join(OUT, "small.vocab"), "w", encoding="utf-8") as f:
    for w, c in zip(words, counts):
        f.write(f"{w} {c}\n")
from safetensors.numpy import save_file
save_file({"vectors": kv.vectors.astype(np.float32)}, os.path.join(OUT, "small.safetensors"),
          metadata={"words": "\n".join(words)})
os.chmod(os.path.join(OUT, "small.safetensors"), 0o644)

# Queries.
rng = random.Random(11)
expected = {"words": len(words), "dimension": kv.vector_size}
probe = [words[i] for i in (0, 3, 17, 42, 99, 150, 250, 399)]
expected["most_similar"] = [
    {"positive": [w], "negative": [], "topn": 10, "restrict": None,
     "result": kv.most_similar(w, topn=10)} for w in probe]
expected["most_similar"] += [
    {"positive": [w], "negative": [], "topn": 5, "restrict": 100,
     "result": kv.most_similar(w, topn=5, restrict_vocab=100)} for w in probe[:4]]
analogy_sets = [(rng.sample(words, 2), rng.sample(words, 1)) for _ in range(8)]
expected["most_similar"] += [
    {"positive": p, "negative": n, "topn": 10, "restrict": None,
     "result": kv.most_similar(positive=p, negative=n, topn=10)} for p, n in analogy_sets]
expected["cosmul"] = [
    {"positive": p, "negative": n, "topn": 10,
     "result": kv.most_similar_cosmul(positive=p, negative=n, topn=10)} for p, n in analogy_sets]
expected["similarity"] = [
    {"a": a, "b": b, "value": float(kv.similarity(a, b))}
    for a, b in (rng.sample(words, 2) for _ in range(10))]
expected["doesnt_match"] = [
    {"words": ws, "result": kv.doesnt_match(ws)} for ws in (rng.sample(words, 5) for _ in range(6))]
expected["n_similarity"] = [
    {"a": a, "b": b, "value": float(kv.n_similarity(a, b))}
    for a, b in ((rng.sample(words, 3), rng.sample(words, 2)) for _ in range(5))]

# An analogy file: half the answers are gensim's own top answer (so accuracy is not ~0),
# mixed case, out-of-vocabulary words and a section with none answerable.
lines = []
for s in range(3):
    lines.append(f": section-{s}")
    for q in range(40):
        a, b, c = rng.sample(words[:300], 3)
        if q % 2 == 0:
            d = kv.most_similar(positive=[b, c], negative=[a], topn=1, restrict_vocab=300)[0][0]
        else:
            d = rng.choice(words)
        quad = [a, b, c, d]
        if q % 7 == 0:
            quad = [w.upper() for w in quad]
        if q % 11 == 0:
            quad[rng.randrange(4)] = "zzoovword"
        lines.append(" ".join(quad))
lines.append(": empty-section")
lines.append("zzoov1 zzoov2 zzoov3 zzoov4")
with open(os.path.join(OUT, "questions.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
for restrict, case in ((300, True), (300, False), (100, True)):
    score, sections = kv.evaluate_word_analogies(
        os.path.join(OUT, "questions.txt"), restrict_vocab=restrict, case_insensitive=case)
    expected.setdefault("analogies", []).append({
        "restrict": restrict, "case_insensitive": case, "score": score,
        "sections": [{"section": s["section"], "correct": len(s["correct"]),
                      "incorrect": len(s["incorrect"])} for s in sections]})

pair_lines = ["# word1\tword2\tscore (random pairs, random scores)"]
for i in range(60):
    a, b = rng.sample(words, 2)
    if i % 9 == 0:
        b = "zzoovpair"
    if i % 5 == 0:
        a = a.upper()
    pair_lines.append(f"{a}\t{b}\t{rng.uniform(0, 10):.2f}")
with open(os.path.join(OUT, "pairs.tsv"), "w") as f:
    f.write("\n".join(pair_lines) + "\n")
for dummy in (False, True):
    pearson, spearman, oov = kv.evaluate_word_pairs(
        os.path.join(OUT, "pairs.tsv"), restrict_vocab=300, dummy4unknown=dummy)
    expected.setdefault("pairs", []).append({
        "dummy4unknown": dummy, "pearson": float(pearson[0]), "spearman": float(spearman[0]),
        "oov_ratio": float(oov)})

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote fixtures to", OUT, file=sys.stderr)
