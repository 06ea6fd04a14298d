"""Seeded synthetic unit vectors with clustering (random vectors make HNSW recall meaningless).

Points are centre + Gaussian noise (noise 0.7 of the centre's scale per dimension), centres drawn
around a shared mean direction as sentence embeddings are (their mean cosine is far from 0).

usage: python make_clustered.py OUT_DIR [--n 50000] [--queries 1000] [--d 384] [--clusters 500]
"""
import argparse, os
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--n", type=int, default=50000)
ap.add_argument("--queries", type=int, default=1000)
ap.add_argument("--d", type=int, default=384)
ap.add_argument("--clusters", type=int, default=500)
a = ap.parse_args()
rng = np.random.default_rng(12345)
mean = rng.standard_normal(a.d)
centres = 0.5 * mean + rng.standard_normal((a.clusters, a.d))
def sample(n):
    c = rng.integers(0, a.clusters, n)
    x = centres[c] + 0.7 * rng.standard_normal((n, a.d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
os.makedirs(a.out, exist_ok=True)
np.save(f"{a.out}/base.npy", sample(a.n))
np.save(f"{a.out}/queries.npy", sample(a.queries))
print(f"wrote {a.n} + {a.queries} vectors of {a.d} dims to {a.out}")
