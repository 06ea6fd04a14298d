"""hnswlib and faiss-cpu on the same .npy vectors as `embed-bench hnsw`, 1 thread, JSON lines.

Exact inner-product top-10 (numpy) is the ground truth; faiss IndexFlatIP gives the exact-search
speed; hnswlib and faiss IndexHNSWFlat (inner product) are built with M and efConstruction and
searched at each ef, one query at a time (as a server would), reporting recall@10 and queries/s.

usage: python ann_bench.py BASE.npy QUERIES.npy [--m 16] [--ef-construction 200] [--ef 10,16,...]
"""
import argparse, json, os, resource, time

import numpy as np


def emit(**kw):
    print(json.dumps(kw, sort_keys=True), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("queries")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--ef", default="10,16,24,32,48,64,96,128,192,256")
    ap.add_argument("--k", type=int, default=10)
    a = ap.parse_args()
    import faiss, hnswlib
    faiss.omp_set_num_threads(1)
    x = np.load(a.base).astype(np.float32)
    q = np.load(a.queries).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    n, d = x.shape
    truth = np.argsort(-(q @ x.T), axis=1, kind="stable")[:, : a.k]
    efs = [int(e) for e in a.ef.split(",")]

    flat = faiss.IndexFlatIP(d)
    flat.add(x)
    t = time.perf_counter()
    for i in range(len(q)):
        flat.search(q[i : i + 1], a.k)
    emit(tool="faiss", method="exact", n=n, d=d, queries=len(q), qps=len(q) / (time.perf_counter() - t))

    def recall(found):
        return float(np.mean([len(set(f) & set(t)) / a.k for f, t in zip(found, truth)]))

    t = time.perf_counter()
    h = hnswlib.Index(space="ip", dim=d)
    h.init_index(max_elements=n, M=a.m, ef_construction=a.ef_construction, random_seed=42)
    h.set_num_threads(1)
    h.add_items(x, np.arange(n), num_threads=1)
    emit(tool="hnswlib", method="hnsw-build", m=a.m, ef_construction=a.ef_construction, seconds=time.perf_counter() - t)
    for ef in efs:
        h.set_ef(max(ef, a.k))
        t = time.perf_counter()
        found = [h.knn_query(q[i : i + 1], k=a.k, num_threads=1)[0][0] for i in range(len(q))]
        s = time.perf_counter() - t
        emit(tool="hnswlib", method="hnsw", ef=ef, recall=recall(found), qps=len(q) / s)

    t = time.perf_counter()
    f = faiss.IndexHNSWFlat(d, a.m, faiss.METRIC_INNER_PRODUCT)
    f.hnsw.efConstruction = a.ef_construction
    f.add(x)
    emit(tool="faiss", method="hnsw-build", m=a.m, ef_construction=a.ef_construction, seconds=time.perf_counter() - t)
    for ef in efs:
        f.hnsw.efSearch = max(ef, a.k)
        t = time.perf_counter()
        found = [f.search(q[i : i + 1], a.k)[1][0] for i in range(len(q))]
        s = time.perf_counter() - t
        emit(tool="faiss", method="hnsw", ef=ef, recall=recall(found), qps=len(q) / s)
    emit(tool="python", method="max-rss", bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


if __name__ == "__main__":
    main()
