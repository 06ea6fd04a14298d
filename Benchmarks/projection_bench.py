#!/usr/bin/env python3
"""Projection benchmark: our PCA / t-SNE (embed-bench) against scikit-learn and openTSNE, one run.

Data: the 10,000 most frequent words of gensim vectors trained on en-words-1m (projection_vectors.py),
rows L2-normalised (so Euclidean neighbours are cosine neighbours) for every tool.
Quality: fraction of each point's 10 nearest neighbours (high-D, Euclidean) kept among its 10
nearest in 2-D, averaged. Speed: median wall time of the fit (PCA: 15 runs; t-SNE: 1 run),
every tool with 2 threads. Usage: Benchmarks/projection.sh (builds, trains vectors, runs this).
"""
import argparse, json, os, subprocess, sys, time
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("vectors")
ap.add_argument("--embed-bench", required=True)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--skip-sklearn-tsne", action="store_true")
ap.add_argument("--opentsne-seeds", default="1",
                help="comma-separated random_state values for openTSNE (its seed-to-seed spread)")
args = ap.parse_args()
os.environ["OMP_NUM_THREADS"] = str(args.threads)


def read_word2vec_bin(path):
    with open(path, "rb") as f:
        n, d = map(int, f.readline().split())
        words, rows = [], np.empty((n, d), dtype=np.float32)
        for i in range(n):
            w = bytearray()
            while (c := f.read(1)) != b" ":
                w += c
            words.append(w.decode().strip())
            rows[i] = np.frombuffer(f.read(4 * d), dtype=np.float32)
            if f.peek(1)[:1] == b"\n":
                f.read(1)
    return words, rows


def knn(x, k):
    sq = (x * x).sum(1)
    out = np.empty((len(x), k), dtype=np.int64)
    for s in range(0, len(x), 1000):
        d = sq[s:s + 1000, None] + sq[None, :] - 2 * x[s:s + 1000] @ x.T
        d[np.arange(d.shape[0]), np.arange(s, s + d.shape[0])] = np.inf
        part = np.argpartition(d, k, axis=1)[:, :k]
        out[s:s + 1000] = part
    return out


def preservation(high_knn, y, k=10):
    low = knn(y.astype(np.float64), k)
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(high_knn, low)]))


words, x = read_word2vec_bin(args.vectors)
x /= np.linalg.norm(x, axis=1, keepdims=True)
x64 = x.astype(np.float64)
high = knn(x64, 10)
n = len(x)
rows = []

# PCA -------------------------------------------------------------------------------------------
from sklearn.decomposition import PCA
times = []
for _ in range(15):
    t = time.perf_counter()
    pca = PCA(n_components=2).fit(x)
    times.append(time.perf_counter() - t)
sk_pca = {"seconds": float(np.median(times)), "ratio": pca.explained_variance_ratio_.tolist()}
ours_pca = json.loads(subprocess.run(
    [args.embed_bench, "pca", args.vectors, "--repeats", "15", "--threads", str(args.threads)],
    check=True, capture_output=True, text=True).stdout)

# t-SNE -----------------------------------------------------------------------------------------
coords = "/tmp/embeddingkit-tsne-coords.f32"
ours = json.loads(subprocess.run(
    [args.embed_bench, "tsne", args.vectors, "--threads", str(args.threads), "--coordinates", coords],
    check=True, capture_output=True, text=True).stdout)
y_ours = np.fromfile(coords, dtype=np.float32).reshape(n, 2)
rows.append(("EmbeddingKit t-SNE (" + ours["method"] + ")", ours["seconds"], preservation(high, y_ours)))

import openTSNE
for seed in [int(v) for v in args.opentsne_seeds.split(",")]:
    t = time.perf_counter()
    y_open = np.asarray(openTSNE.TSNE(n_jobs=args.threads, random_state=seed).fit(x))
    rows.append((f"openTSNE {openTSNE.__version__} (defaults, random_state={seed})",
                 time.perf_counter() - t, preservation(high, y_open)))

if not args.skip_sklearn_tsne:
    import sklearn
    from sklearn.manifold import TSNE
    t = time.perf_counter()
    y_sk = TSNE(n_jobs=args.threads, random_state=1, init="pca").fit_transform(x)
    rows.append((f"scikit-learn {sklearn.__version__} TSNE (Barnes-Hut)", time.perf_counter() - t,
                 preservation(high, y_sk)))

load = os.getloadavg()[0]
print(f"\n{n} words x {x.shape[1]} dims, {args.threads} threads, load average {load:.2f}\n")
print("| t-SNE | seconds | 10-NN kept in 2-D |\n| --- | ---: | ---: |")
for name, s, q in rows:
    print(f"| {name} | {s:.2f} | {q:.4f} |")
print(f"\nopenTSNE / ours time ratio: {rows[1][1] / rows[0][1]:.2f}x")
print("\n| PCA (2 components) | seconds (median of 15) | explained variance ratio |\n| --- | ---: | --- |")
print(f"| EmbeddingKit PCA ({ours_pca['method']}) | {ours_pca['seconds']:.4f} | "
      f"{', '.join(f'{r:.6f}' for r in ours_pca['ratio'])} |")
print(f"| scikit-learn PCA | {sk_pca['seconds']:.4f} | {', '.join(f'{r:.6f}' for r in sk_pca['ratio'])} |")
diff = max(abs(a - b) for a, b in zip(ours_pca["ratio"], sk_pca["ratio"]))
print(f"\nmax |ratio difference| = {diff:.2e}; scikit-learn / ours time ratio: "
      f"{sk_pca['seconds'] / ours_pca['seconds']:.2f}x")
