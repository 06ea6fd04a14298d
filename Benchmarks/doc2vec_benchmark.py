#!/usr/bin/env python3
"""Doc2Vec and pooled word vectors: EmbeddingKit against gensim 4.x, same corpus, same settings,
same run.

Measures (printed as a table and written as JSON with --json):
  - Doc2Vec training speed (documents/s, words/s: training call only, and wall time of the whole
    process), peak RSS of each process, on the SciFact corpus and on en-words-1m;
  - quality: STS-B dev Spearman (infer both sentences of each pair, cosine) with the model trained
    on en-words-1m, and SciFact nDCG@10 on the test queries (train on the corpus, infer the
    queries, exact cosine search);
  - SIF against mean pooling on STS-B dev with Word2Vec vectors trained on en-words (--vectors).

Every text is normalised text8-style in Python first (lower-case, accents folded, a-z only), so
both tools see identical words. Usage:
  Benchmarks/doc2vec_benchmark.py --embed .build/release/embed --work /tmp/d2v \
      [--epochs 10] [--dm 0] [--dm-concat 0] [--threads 2] [--draws 5] [--only scifact]
      [--vectors w2v.bin] [--json out.json]

Inference is random: both tools infer every text set --draws times (gensim: successive
infer_vector passes; ours: --seed 1..N) and the quality reported is the mean over the draws
(each draw is kept in the JSON). One draw alone varies by about ±0.01 nDCG@10.
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
import unicodedata

import numpy as np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")


def text8(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z]+", " ", s).strip()


def peak_rss(cmd):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS MiB, stdout, stderr)."""
    start = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M"] + cmd, capture_output=True, text=True)
    wall = time.time() - start
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-3000:]}")
    rss = int(re.findall(r"MAXRSS (\d+)", p.stderr)[-1]) / 1024
    return wall, rss, p.stdout, p.stderr


def prepare(work):
    """Writes the normalised corpora, STS sentences and SciFact queries; returns metadata."""
    os.makedirs(work, exist_ok=True)
    meta = {}
    ids = []
    with lzma.open(os.path.join(DATA, "retrieval/scifact/corpus.jsonl.xz"), "rt") as f, open(
        os.path.join(work, "scifact.txt"), "w"
    ) as out:
        for line in f:
            d = json.loads(line)
            ids.append(d["_id"])
            out.write(text8(d.get("title", "") + " " + d.get("text", "")) + "\n")
    meta["scifact_ids"] = ids
    queries = {}
    with open(os.path.join(DATA, "retrieval/scifact/queries.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            queries[d["_id"]] = d["text"]
    qrels = {}
    with open(os.path.join(DATA, "retrieval/scifact/qrels/test.tsv")) as f:
        next(f)
        for line in f:
            q, c, s = line.rstrip("\n").split("\t")
            qrels.setdefault(q, {})[c] = int(s)
    qids = sorted(qrels, key=int)
    meta["qids"], meta["qrels"] = qids, qrels
    with open(os.path.join(work, "queries.txt"), "w") as out:
        for q in qids:
            out.write(text8(queries[q]) + "\n")
    pairs = []
    with open(os.path.join(DATA, "sts/sts-dev.csv"), encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            pairs.append((float(p[4]), p[5], p[6]))
    meta["sts_scores"] = [p[0] for p in pairs]
    with open(os.path.join(work, "sts.txt"), "w") as out:
        for _, a, b in pairs:
            out.write(text8(a) + "\n" + text8(b) + "\n")
    with open(os.path.join(work, "sts-raw.txt"), "w") as out:
        for _, a, b in pairs:
            out.write(a.replace("\n", " ") + "\n" + b.replace("\n", " ") + "\n")
    return meta


def spearman(x, y):
    from scipy.stats import spearmanr

    return float(spearmanr(x, y).correlation)


def sts_spearman(vectors, scores):
    a, b = vectors[0::2], vectors[1::2]
    na = np.linalg.norm(a, axis=1)
    nb = np.linalg.norm(b, axis=1)
    cos = (a * b).sum(1) / np.maximum(na * nb, 1e-12)  # zero vectors score 0
    return spearman(cos, scores)


def ndcg10(doc_vectors, query_vectors, meta):
    d = doc_vectors / np.maximum(np.linalg.norm(doc_vectors, axis=1, keepdims=True), 1e-12)
    q = query_vectors / np.maximum(np.linalg.norm(query_vectors, axis=1, keepdims=True), 1e-12)
    scores = q @ d.T
    ids = meta["scifact_ids"]
    total = 0.0
    for i, qid in enumerate(meta["qids"]):
        rel = meta["qrels"][qid]
        top = np.argsort(-scores[i])[:10]
        dcg = sum(rel.get(ids[j], 0) / math.log2(r + 2) for r, j in enumerate(top))
        ideal = sorted(rel.values(), reverse=True)[:10]
        idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
        total += dcg / idcg if idcg > 0 else 0
    return total / len(meta["qids"])


def gensim_worker(args):
    """Runs in a child process: train, save doc vectors, infer texts; prints JSON timings."""
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument

    docs = []
    with open(args.corpus) as f:
        for i, line in enumerate(f):
            docs.append(TaggedDocument(line.split(), [i]))
    model = Doc2Vec(
        vector_size=args.dim, window=5, min_count=args.min_count, sample=1e-3,
        negative=5, hs=0, dm=args.dm, dbow_words=args.dbow_words, dm_concat=args.dm_concat,
        dm_mean=args.dm_mean, epochs=args.epochs,
        workers=args.threads, seed=1, alpha=0.025, min_alpha=0.0001)
    t = time.time()
    model.build_vocab(docs)
    vocab_s = time.time() - t
    t = time.time()
    model.train(docs, total_examples=len(docs), epochs=model.epochs)
    train_s = time.time() - t
    words = sum(len(d.words) for d in docs)
    np.save(args.out + ".docs.npy", model.dv.vectors[: len(docs)])
    result = {"train_s": train_s, "vocab_s": vocab_s, "docs": len(docs), "words": words,
              "vocabulary": len(model.wv)}
    for name in args.infer:
        with open(name) as f:
            texts = [line.split() for line in f.read().split("\n")[:-1]]
        for k in range(args.draws):  # model.random advances: each pass is a new draw
            t = time.time()
            v = np.stack([model.infer_vector(w) for w in texts])
            if k == 0:
                result["infer_s:" + os.path.basename(name)] = time.time() - t
            np.save(args.out + "." + os.path.basename(name) + f".{k}.npy", v)
    print(json.dumps(result))


def train_both(args, corpus, tag, infer):
    settings = ["--epochs", str(args.epochs), "--threads", str(args.threads)]
    base = os.path.join(args.work, tag)
    # gensim
    cmd = [sys.executable, __file__, "--gensim-worker", "--corpus", corpus, "--out", base + ".g",
           "--epochs", str(args.epochs), "--threads", str(args.threads), "--dim", str(args.dim),
           "--draws", str(args.draws),
           "--dm", str(args.dm), "--dbow-words", str(args.dbow_words),
           "--dm-concat", str(args.dm_concat), "--dm-mean", str(args.dm_mean),
           "--min-count", str(args.min_count)]
    for name in infer:
        cmd += ["--infer", name]
    load = os.getloadavg()[0]
    wall, rss, out, err = peak_rss(cmd)
    g = json.loads(out.strip().splitlines()[-1])
    g.update(wall_s=wall, rss_mib=rss, load_before=load, load_after=os.getloadavg()[0])
    # EmbeddingKit
    model = base + ".d2v"
    cmd = [args.embed, "doc2vec", "train", corpus, "-o", model, "--save-vectors", base + ".e.docs.npy",
           "--dm", str(args.dm), "--dbow-words", str(args.dbow_words), "--dim", str(args.dim),
           "--min-count", str(args.min_count)] + settings
    if args.dm:
        cmd += ["--dm-concat", str(args.dm_concat), "--dm-mean", str(args.dm_mean)]
    load = os.getloadavg()[0]
    wall, rss, out, err = peak_rss(cmd)
    m = re.search(r"trained \d+ epochs in ([\d.]+) s \(read ([\d.]+) s\)", err)
    e = {"train_s": float(m.group(1)), "read_s": float(m.group(2)), "wall_s": wall, "rss_mib": rss,
         "load_before": load, "load_after": os.getloadavg()[0]}
    for name in infer:
        for k in range(args.draws):  # --seed k+1: one reproducible draw each
            out_npy = base + ".e." + os.path.basename(name) + f".{k}.npy"
            t = time.time()
            subprocess.run([args.embed, "doc2vec", "infer", "--model", model, "--input", name, "-o",
                            out_npy, "--threads", "1"] + (["--seed", str(k + 1)] if args.draws > 1 else []),
                           check=True, capture_output=True)
            if k == 0:
                e["infer_s:" + os.path.basename(name)] = time.time() - t
    for r in (g, e):
        r["docs_per_s"] = g["docs"] * args.epochs / r["train_s"]
        r["words_per_s"] = g["words"] * args.epochs / r["train_s"]
    return g, e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gensim-worker", action="store_true")
    ap.add_argument("--corpus")
    ap.add_argument("--out")
    ap.add_argument("--infer", action="append", default=[])
    ap.add_argument("--embed", default=".build/release/embed")
    ap.add_argument("--work", default="/tmp/doc2vec-bench")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--dm", type=int, default=0)
    ap.add_argument("--dbow-words", type=int, default=0)
    ap.add_argument("--dm-concat", type=int, default=0)
    ap.add_argument("--draws", type=int, default=5,
                    help="inference draws per text set (quality = their mean)")
    ap.add_argument("--dm-mean", type=int, default=1)
    ap.add_argument("--only", choices=["scifact", "enwords1m"], help="run one corpus only")
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--vectors", help="Word2Vec vectors trained on en-words, for SIF vs mean")
    ap.add_argument("--skip-doc2vec", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.gensim_worker:
        return gensim_worker(args)
    import gensim

    meta = prepare(args.work)
    report = {"gensim": gensim.__version__, "load_before": os.getloadavg(), "settings": vars(args)}
    w = args.work
    if not args.skip_doc2vec and args.only != "enwords1m":
        g, e = train_both(args, os.path.join(w, "scifact.txt"), "scifact",
                          [os.path.join(w, "queries.txt")])
        for r, t in ((g, "g"), (e, "e")):
            draws = [ndcg10(np.load(f"{w}/scifact.{t}.docs.npy"),
                            np.load(f"{w}/scifact.{t}.queries.txt.{k}.npy"), meta)
                     for k in range(args.draws)]
            r["ndcg10_draws"], r["ndcg10"] = draws, float(np.mean(draws))
        report["scifact"] = {"gensim": g, "embeddingkit": e}
    if not args.skip_doc2vec and args.only != "scifact":
        g, e = train_both(args, os.path.join(DATA, "corpus/en-words-1m.txt"), "enwords1m",
                          [os.path.join(w, "sts.txt")])
        for r, t in ((g, "g"), (e, "e")):
            draws = [sts_spearman(np.load(f"{w}/enwords1m.{t}.sts.txt.{k}.npy"), meta["sts_scores"])
                     for k in range(args.draws)]
            r["sts_spearman_draws"], r["sts_spearman"] = draws, float(np.mean(draws))
        report["enwords1m"] = {"gensim": g, "embeddingkit": e}
    if args.vectors:
        sif = w + "/sif.model"
        subprocess.run([args.embed, "sif", "fit", "--vectors", args.vectors,
                        os.path.join(DATA, "corpus/en-words.txt.xz"), "-o", sif, "--normalize",
                        "text8"], check=True, capture_output=True)
        pooled = {}
        for name, extra in (("sif", []), ("mean", ["--mean"])):
            out = f"{w}/sts.{name}.npy"
            subprocess.run([args.embed, "sif", "encode", "--model", sif, "--input",
                            w + "/sts-raw.txt", "-o", out] + extra, check=True, capture_output=True)
            pooled[name] = sts_spearman(np.load(out), meta["sts_scores"])
        report["pooled_sts_spearman"] = pooled
    report["load_after"] = os.getloadavg()
    print(json.dumps(report, indent=1, default=str)[:20000])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1, default=str)


if __name__ == "__main__":
    main()
