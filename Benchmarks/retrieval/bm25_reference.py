"""Reference BM25 on BEIR SciFact, to compare with `embed search --mode bm25`.

Two standard BM25s over the same words as EmbeddingKit (lower-cased letter/digit runs, Lucene's
33 English stop words, title + " " + text):
  - rank_bm25 (PyPI) BM25Okapi with k1, b given (its idf: ln((N-df+0.5)/(df+0.5)), floored);
  - a plain Lucene-style BM25 (idf ln(1 + (N-df+0.5)/(df+0.5))), Pyserini's BEIR k1 0.9, b 0.4.
Metrics from pytrec_eval (nDCG@10, recall@100) and BEIR's MRR@10. Optionally scores a TREC run
file written by `embed search --run`.

usage: python bm25_reference.py SCIFACT_DIR [--split test] [--k1 0.9 --b 0.4] [--run our.run]
"""
import argparse, json, lzma, math, re, sys, time
from collections import Counter, defaultdict

import numpy as np
import pytrec_eval
from rank_bm25 import BM25Okapi

STOP = set("a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split())
WORD = re.compile(r"[^\W_]+")


def terms(text):
    return [w for w in WORD.findall(text.lower()) if w not in STOP]


def load(d, split):
    corpus = [json.loads(l) for l in lzma.open(f"{d}/corpus.jsonl.xz", "rt")]
    queries = {q["_id"]: q["text"] for q in map(json.loads, open(f"{d}/queries.jsonl"))}
    qrels = defaultdict(dict)
    for i, line in enumerate(open(f"{d}/qrels/{split}.tsv")):
        if i == 0:
            continue
        q, doc, s = line.split()
        qrels[q][doc] = int(s)
    return corpus, queries, dict(qrels)


def evaluate(run, qrels):
    ev = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100"})
    res = ev.evaluate(run)
    ndcg = np.mean([res[q]["ndcg_cut_10"] for q in qrels]) if res else 0
    rec = np.mean([res[q]["recall_100"] for q in qrels]) if res else 0
    mrr = []
    for q, rel in qrels.items():
        ranked = sorted(run.get(q, {}).items(), key=lambda x: -x[1])[:10]
        mrr.append(next((1 / (i + 1) for i, (d, _) in enumerate(ranked) if rel.get(d, 0) > 0), 0))
    return ndcg, rec, float(np.mean(mrr))


def lucene_bm25(docs, k1, b):
    n = len(docs)
    lengths = np.array([len(d) for d in docs], dtype=np.float64)
    avgdl = lengths.mean()
    postings = defaultdict(list)
    for i, d in enumerate(docs):
        for t, tf in Counter(d).items():
            postings[t].append((i, tf))

    def score(query):
        s = np.zeros(n)
        for t in query:
            p = postings.get(t)
            if not p:
                continue
            idf = math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
            idx = np.array([i for i, _ in p])
            tf = np.array([f for _, f in p], dtype=np.float64)
            s[idx] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[idx] / avgdl))
        return s

    return score


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact")
    ap.add_argument("--split", default="test")
    ap.add_argument("--k1", type=float, default=0.9)
    ap.add_argument("--b", type=float, default=0.4)
    ap.add_argument("--run", action="append", default=[], help="TREC run file(s) to score too")
    a = ap.parse_args()
    corpus, queries, qrels = load(a.scifact, a.split)
    ids = [d["_id"] for d in corpus]
    docs = [terms(d["title"] + " " + d["text"]) for d in corpus]
    qids = sorted(qrels)
    rows = []
    for name, scorer in [
        ("plain BM25 (Lucene idf)", lucene_bm25(docs, a.k1, a.b)),
        ("rank_bm25 BM25Okapi", BM25Okapi(docs, k1=a.k1, b=a.b).get_scores),
    ]:
        t = time.time()
        run = {}
        for q in qids:
            s = np.asarray(scorer(terms(queries[q])))
            top = np.argsort(-s, kind="stable")[:100]
            run[q] = {ids[i]: float(s[i]) for i in top if s[i] > 0}
        rows.append((name, *evaluate(run, qrels), time.time() - t))
    for path in a.run:
        run = defaultdict(dict)
        for line in open(path):
            q, _, doc, rank, score, _ = line.split()
            run[q][doc] = float(score)
        rows.append((f"run {path}", *evaluate(dict(run), qrels), 0))
    print(f"SciFact {a.split}, k1={a.k1} b={a.b}, {len(qids)} queries")
    for name, n, r, m, s in rows:
        print(f"{name:40s} nDCG@10 {n:.4f}  recall@100 {r:.4f}  MRR@10 {m:.4f}  ({s:.1f} s)")


if __name__ == "__main__":
    main()
