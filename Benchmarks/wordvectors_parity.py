#!/usr/bin/env python3
"""Same answers as gensim: evaluation and neighbours on vectors gensim trained.

Trains a small gensim Word2Vec model on ../shared/data/corpus/en-words-1m.txt (100 dims,
min_count 5, seed 1), saves its vectors as a word2vec binary, then compares on that file:
  * evaluate_word_analogies(questions-words.txt, restrict_vocab=30000): correct/incorrect per
    section vs `embed evaluate --analogies --restrict 30000 --json`;
  * evaluate_word_pairs(wordsim353.tsv): Pearson, Spearman, OOV ratio vs `embed evaluate --pairs`;
  * most_similar(word, topn=10) for 100 words vs `embed similar` (one batched call).

    /work/venv/bin/python Benchmarks/wordvectors_parity.py
"""
import json
import os
import subprocess
import sys
import tempfile
import time

from gensim.models import KeyedVectors, Word2Vec
from gensim.models.word2vec import LineSentence

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "..", "shared", "data")
EMBED = os.environ.get("EMBED", os.path.join(ROOT, ".build", "release", "embed"))


def main():
    work = tempfile.mkdtemp(prefix="ek-parity-")
    path = os.path.join(work, "gensim.bin")
    t = time.perf_counter()
    model = Word2Vec(LineSentence(os.path.join(DATA, "corpus", "en-words-1m.txt")),
                     vector_size=100, window=5, min_count=5, workers=2, seed=1, epochs=5)
    model.wv.save_word2vec_format(path, binary=True)
    print(f"trained {len(model.wv)} words in {time.perf_counter() - t:.1f} s -> {path}", file=sys.stderr)
    kv = KeyedVectors.load_word2vec_format(path, binary=True)
    analogies = os.path.join(DATA, "eval", "questions-words.txt")
    pairs = os.path.join(DATA, "eval", "wordsim353.tsv")

    t = time.perf_counter()
    score, sections = kv.evaluate_word_analogies(analogies, restrict_vocab=30000)
    gensim_analogy_seconds = time.perf_counter() - t
    pearson, spearman, oov = kv.evaluate_word_pairs(pairs)

    t = time.perf_counter()
    ours = json.loads(subprocess.check_output(
        [EMBED, "evaluate", path, "--analogies", analogies, "--restrict", "30000", "--json"]))
    our_analogy_seconds = time.perf_counter() - t
    ours_pairs = json.loads(subprocess.check_output(
        [EMBED, "evaluate", path, "--pairs", pairs, "--json"]))["pairs"]

    rows = []
    same_sections = 0
    for g, o in zip(sections, ours["analogies"]["sections"]):
        gc, gi = len(g["correct"]), len(g["incorrect"])
        same = g["section"] == o["section"] and gc == o["correct"] and gi == o["incorrect"]
        same_sections += same
        rows.append((g["section"], gc, gc + gi, o["correct"], o["correct"] + o["incorrect"], same))
    print("| section | gensim correct/of | EmbeddingKit correct/of | same |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]}/{r[2]} | {r[3]}/{r[4]} | {'yes' if r[5] else 'NO'} |")
    print(f"\nsections identical: {same_sections}/{len(sections)} (gensim total {score:.6f})")
    print(f"pairs: gensim pearson {pearson[0]:.6f} spearman {spearman[0]:.6f} oov {oov:.4f}%")
    print(f"       ours   pearson {ours_pairs['pearson']:.6f} spearman {ours_pairs['spearman']:.6f} "
          f"oov {ours_pairs['oov_percent']:.4f}%")
    print(f"       |diff| pearson {abs(pearson[0] - ours_pairs['pearson']):.2e} "
          f"spearman {abs(spearman[0] - ours_pairs['spearman']):.2e}")

    words = [kv.index_to_key[i] for i in range(50, 50 + 100 * 7, 7)]
    expected = {w: kv.most_similar(w, topn=10) for w in words}
    got = json.loads(subprocess.check_output(
        [EMBED, "similar", *words, "--vectors", path, "--top", "10", "--json"]))
    same_order = sum(1 for w in words if [x for x, _ in expected[w]] == [x["word"] for x in got[w]])
    same_set = sum(1 for w in words if {x for x, _ in expected[w]} == {x["word"] for x in got[w]})
    max_diff = max(abs(a[1] - b["similarity"]) for w in words for a, b in zip(expected[w], got[w]))
    print(f"most_similar top-10: same order {same_order}/100, same set {same_set}/100, "
          f"max |similarity diff| {max_diff:.2e}")
    print(f"analogy evaluation time (19,544 questions, restrict 30000): gensim {gensim_analogy_seconds:.1f} s, "
          f"embed evaluate (whole process incl. load) {our_analogy_seconds:.1f} s; load avg {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
