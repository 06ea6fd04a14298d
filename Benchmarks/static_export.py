#!/usr/bin/env python3
"""Writes an EmbeddingKit static model (.eks, version 1) from token vectors computed in Python.

The token vectors are those of `embed distill`'s first step ([CLS] token [SEP] through the
transformer, mean-pooled, not normalised), here from model2vec 0.10's `create_embeddings` via
`distill(model, pca_dims=None, sif_coefficient=None, quantize_to="float32")` (tokens [unusedN],
[CLS], [SEP], [MASK] left out, as `embed distill` does). Then, as `StaticModel.distill`: PCA
(numpy eigh of the covariance) to --dim, each axis divided by variance^--whiten, SIF weights
a/(a + p) with Zipf frequencies over the kept tokens in id order, int8 rows (scale max|x|/127).

Used to make the shipped model when a release build of `embed` was not available; `embed distill
--model <folder> -o m.eks --dim 256 --precision int8` makes the same model (up to rounding).

  Benchmarks/static_export.py --tokens-npy raw.npy --tokens-json tokens.json --model <folder> \
      -o all-MiniLM-L6-v2-static.eks [--dim 256] [--whiten 0.25] [--sif-a 1e-4]
"""
import argparse
import json
import os
import struct

import numpy as np


def string(s):
    b = s.encode("utf-8")
    return struct.pack("<I", len(b)) + b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens-npy", required=True)
    ap.add_argument("--tokens-json", required=True)
    ap.add_argument("--model", required=True, help="the transformer folder (vocab.txt)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--whiten", type=float, default=0.25)
    ap.add_argument("--sif-a", type=float, default=1e-4)
    ap.add_argument("--source-name", default="all-MiniLM-L6-v2")
    args = ap.parse_args()
    vocab = [l.rstrip("\n") for l in open(os.path.join(args.model, "vocab.txt"), encoding="utf-8")]
    index = {t: i for i, t in enumerate(vocab)}
    raw = np.load(args.tokens_npy).astype(np.float64)
    tokens = json.load(open(args.tokens_json))
    ids = np.array([index[t] for t in tokens])
    assert np.all(np.diff(ids) > 0), "tokens must be in id order"
    x = raw - raw.mean(0)
    cov = x.T @ x / (len(x) - 1)
    w, v = np.linalg.eigh(cov)
    w, v = w[::-1], v[:, ::-1]
    coords = x @ v[:, : args.dim]
    explained = float(w[: args.dim].sum() / w.sum())
    coords = coords / np.power(w[: args.dim], args.whiten)
    inv = 1 / np.arange(2, len(ids) + 2)
    p = inv / inv.sum()
    rank_weights = args.sif_a / (args.sif_a + p)
    V, d = len(vocab), args.dim
    rows = np.zeros((V, d), np.float32)
    rows[ids] = coords
    weights = np.zeros(V, np.float32)
    weights[ids] = rank_weights
    peak = np.abs(rows).max(1)
    scales = np.where(peak > 0, peak / 127, 0).astype(np.float32)
    q = np.where(scales[:, None] > 0, np.round(rows / np.maximum(scales[:, None], 1e-30)), 0).astype(np.int8)
    weighting = f"sif a={args.sif_a}" + (f", whitening {args.whiten}" if args.whiten > 0 else "")
    with open(args.output, "wb") as f:
        f.write(b"EKSTATIC" + struct.pack("<II", 1, 1) + struct.pack("<QQ", V, d))
        f.write(string(args.source_name) + string("") + string(weighting))
        f.write(struct.pack("<dQ", explained, V - len(ids)))
        f.write(struct.pack("<II", 1 | 8 | 16, 100))  # lowercase, strip accents follows it, CJK, clean
        for s in ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "##"]:
            f.write(string(s))
        f.write(struct.pack("<I", 1) + string("[MASK]"))
        for t in vocab:
            f.write(string(t))
        f.write(weights.astype("<f4").tobytes())
        f.write(scales.astype("<f4").tobytes())
        f.write(q.tobytes())
        f.write(b"EKSTAEND")
    print(f"wrote {args.output}: {V} x {d}, explained variance {explained:.3f}, {weighting}")


if __name__ == "__main__":
    main()
