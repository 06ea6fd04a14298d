"""Seeded synthetic unit vectors with realistic clustering (random vectors make HNSW recall meaningless).

A Gaussian mixture with anisotropic clusters, shaped like sentence embeddings:
- cluster sizes follow a Zipf-like law (a few large topics, many small ones);
- centres are drawn around a shared mean direction (sentence embeddings share one: their mean
  cosine is far from 0);
- within-cluster noise has a power-law spectrum under one random rotation (a few dominant
  directions), each cluster scaling it by its own log-normal factor, plus 8 directions of its own
  with larger variance (anisotropic, differently oriented per cluster);
- every row is normalised. Queries are fresh draws from the same mixture.

usage: python make_clustered.py OUT_DIR [--n 1000000] [--queries 1000] [--d 384] [--clusters 2000]
"""
import argparse, os
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--n", type=int, default=1000000)
ap.add_argument("--queries", type=int, default=1000)
ap.add_argument("--d", type=int, default=384)
ap.add_argument("--clusters", type=int, default=2000)
ap.add_argument("--own", type=int, default=8, help="directions of extra variance per cluster")
a = ap.parse_args()
rng = np.random.default_rng(12345)
d = a.d
mean = rng.standard_normal(d)
mean /= np.linalg.norm(mean)
centres = 0.6 * mean + rng.standard_normal((a.clusters, d)) / np.sqrt(d)
weights = 1.0 / np.arange(1, a.clusters + 1) ** 0.8
weights /= weights.sum()
spectrum = (1.0 / np.arange(1, d + 1) ** 0.5).astype(np.float32)
spectrum *= 0.55 / np.sqrt((spectrum**2).sum())
rotation = np.linalg.qr(rng.standard_normal((d, d)))[0].astype(np.float32)
spread = np.exp(0.3 * rng.standard_normal(a.clusters)).astype(np.float32)
own = rng.standard_normal((a.clusters, a.own, d)).astype(np.float32) * (0.25 / np.sqrt(d))


def sample(n, chunk=20000):
    out = np.empty((n, d), np.float32)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        c = rng.choice(a.clusters, hi - lo, p=weights)
        z = rng.standard_normal((hi - lo, d)).astype(np.float32) * spectrum
        x = centres[c].astype(np.float32) + (z @ rotation) * spread[c, None]
        x += np.einsum("ni,nid->nd", rng.standard_normal((hi - lo, a.own)).astype(np.float32), own[c])
        out[lo:hi] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


os.makedirs(a.out, exist_ok=True)
np.save(f"{a.out}/base.npy", sample(a.n))
np.save(f"{a.out}/queries.npy", sample(a.queries))
print(f"wrote {a.n} + {a.queries} vectors of {d} dims to {a.out}")
