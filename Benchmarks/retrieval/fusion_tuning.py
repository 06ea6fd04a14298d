"""Hybrid fusion on BEIR SciFact: tune on the train qrels, report on test.

Both rankings are recomputed here exactly as `embed search` computes them: BM25 with Lucene's idf,
k1 0.9, b 0.4 over the same words (bm25_reference.py: equal to ours to 4 decimals), and the cosine of
MiniLM vectors (ST's vectors from scifact_dense_reference.py's cache, or the index's own with --index).
Fusions, each over the top `depth` documents of each list (the candidates):
  rrf     Σ weight / (k + rank), BM25 weight 1, dense weight w
  convex  alpha · N(cosine) + (1 − alpha) · N(bm25), every candidate scored in both lists (bm25 0
          for a document without a query word), N min-max ("minmax") or z-score ("z") over the
          candidates (the formula `RankFusion.convex` in Sources/Retrieval implements).
Grid-searched on train; the best of each family is then scored once on test.

usage: python fusion_tuning.py SCIFACT_DIR [--cache /work/cache-quality] [--index sf-minilm.sqlite]
           [--depth 100] [--json out.json]
"""
import argparse, json, os, sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bm25_reference import evaluate, load, lucene_bm25, terms  # noqa: E402
from scifact_dense_reference import index_vectors  # noqa: E402


def normalise(x, how):
    if how == "minmax":
        lo, hi = x.min(), x.max()
        return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else np.zeros_like(x)


def top(s, n):
    return np.argsort(-s, kind="stable")[:n]


def fuse(bm, de, method, p, depth):
    """Fused scores of the candidates: (document indexes, scores)."""
    bt, dt = top(bm, depth), top(de, depth)
    bt = bt[bm[bt] > 0]  # BM25 lists only documents holding a query word
    if method == "rrf":
        s = {}
        for rank, i in enumerate(bt):
            s[i] = s.get(i, 0) + 1 / (p["k"] + rank + 1)
        for rank, i in enumerate(dt):
            s[i] = s.get(i, 0) + p["w"] / (p["k"] + rank + 1)
        idx = np.array(list(s.keys()))
        return idx, np.array([s[i] for i in idx])
    idx = np.union1d(bt, dt)
    f = p["alpha"] * normalise(de[idx], p["norm"]) + (1 - p["alpha"]) * normalise(bm[idx], p["norm"])
    return idx, f


def run_of(scores, ids, qids, method, p, depth):
    run = {}
    for q in qids:
        bm, de = scores[q]
        idx, f = fuse(bm, de, method, p, depth)
        order = np.argsort(-f, kind="stable")[:100]
        run[q] = {ids[idx[j]]: float(f[j]) for j in order}
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact")
    ap.add_argument("--cache", default="/work/cache-quality")
    ap.add_argument("--index")
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--json")
    a = ap.parse_args()
    corpus, queries, train = load(a.scifact, "train")
    _, _, test = load(a.scifact, "test")
    ids = [c["_id"] for c in corpus]
    bm25 = lucene_bm25([terms(c["title"] + " " + c["text"]) for c in corpus], 0.9, 0.4)
    qids = sorted(queries)
    qv = dict(zip(qids, np.load(f"{a.cache}/st-queries.npy")))
    dv = index_vectors(a.index, ids)[0] if a.index else np.load(f"{a.cache}/st-docs.npy")
    scores = {q: (bm25(terms(queries[q])), dv @ qv[q]) for q in set(train) | set(test)}

    grid = [("rrf", {"k": k, "w": w}) for k in (1, 5, 10, 20, 40, 60, 100)
            for w in (0.5, 0.75, 1, 1.25, 1.5, 2, 3)]
    grid += [("convex", {"alpha": al, "norm": n}) for n in ("minmax", "z")
             for al in np.round(np.arange(0.2, 0.85, 0.05), 2)]
    results = []
    for method, p in grid:
        m = evaluate(run_of(scores, ids, sorted(train), method, p, a.depth), train)
        results.append((method, p, m))
    report = {"depth": a.depth, "train": [], "test": {}}
    for method, p, m in results:
        report["train"].append({"method": method, **{k: float(v) if k != "norm" else v
                                                     for k, v in p.items()}, "ndcg10": m[0]})
    print(f"train ({len(train)} queries), best per family, nDCG@10 / recall@100 / MRR@10:")
    families = {}
    for method, p, m in results:
        key = method if method == "rrf" else f"convex-{p['norm']}"
        if key not in families or m[0] > families[key][2][0]:
            families[key] = (method, p, m)
    for key, (method, p, m) in families.items():
        t = evaluate(run_of(scores, ids, sorted(test), method, p, a.depth), test)
        print(f"  {key:15s} {p}  train {m[0]:.4f} {m[1]:.4f} {m[2]:.4f}   test {t[0]:.4f} {t[1]:.4f} {t[2]:.4f}")
        report["test"][key] = {"params": {k: (float(v) if k != "norm" else v) for k, v in p.items()},
                               "train": m, "test": t}
    for name, method, p in [("rrf k60 w1 (old default)", "rrf", {"k": 60, "w": 1})]:
        t = evaluate(run_of(scores, ids, sorted(test), method, p, a.depth), test)
        print(f"  {name:25s} test {t[0]:.4f} {t[1]:.4f} {t[2]:.4f}")
        report["test"][name] = {"test": t}
    for name, col in (("bm25", 0), ("dense", 1)):
        run = {q: {ids[i]: float(scores[q][col][i]) for i in top(scores[q][col], 100)} for q in test}
        t = evaluate(run, test)
        print(f"  {name:25s} test {t[0]:.4f} {t[1]:.4f} {t[2]:.4f}")
        report["test"][name] = {"test": t}
    if a.json:
        json.dump(report, open(a.json, "w"), indent=1, default=float)


if __name__ == "__main__":
    main()
