"""hnswlib and faiss-cpu on the same .npy vectors as `embed-bench hnsw`, 1 thread, JSON lines.

Exact inner-product top-k (faiss IndexFlatIP over all queries) is the ground truth; IndexFlatIP is
also timed one query at a time and as one batch. hnswlib and faiss IndexHNSWFlat (inner product)
are built with M and efConstruction on one thread and searched at each ef with all queries in one
call on one thread (no Python loop per query, which favours them slightly), reporting recall@k and
queries/s. --tool picks one library so each process's peak RSS (printed last) is its own.

usage: python ann_bench.py BASE.npy QUERIES.npy [--tool all|faiss|hnswlib] [--m 16]
       [--ef-construction 200] [--ef 10,16,...] [--exact-queries 200]
"""
import argparse, json, resource, time

import numpy as np


def emit(**kw):
    print(json.dumps(kw, sort_keys=True), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("queries")
    ap.add_argument("--tool", default="all", choices=["all", "faiss", "hnswlib", "exact"])
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--ef", default="10,16,24,32,48,64,96,128,192,256")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--exact-queries", type=int, default=0)
    ap.add_argument("--rows", type=int, default=0, help="use only the first N base vectors")
    a = ap.parse_args()
    import faiss
    faiss.omp_set_num_threads(1)
    x = np.load(a.base, mmap_mode="r")
    x = np.array(x[: a.rows] if a.rows else x, dtype=np.float32)
    q = np.load(a.queries).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    n, d = x.shape
    efs = [int(e) for e in a.ef.split(",")]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    flat = faiss.IndexFlatIP(d)
    flat.add(x)
    t = time.perf_counter()
    truth = flat.search(q, a.k)[1]
    emit(tool="faiss", method="exact-batch", n=n, d=d, queries=len(q), qps=len(q) / (time.perf_counter() - t))
    if a.tool in ("all", "exact"):
        m = a.exact_queries or len(q)
        t = time.perf_counter()
        for i in range(m):
            flat.search(q[i : i + 1], a.k)
        emit(tool="faiss", method="exact", n=n, d=d, queries=m, qps=m / (time.perf_counter() - t))
    del flat

    def recall(found):
        return float(np.mean([len(set(f) & set(t)) / a.k for f, t in zip(found, truth)]))

    import psutil
    proc = psutil.Process()

    if a.tool in ("all", "hnswlib"):
        import hnswlib
        before = proc.memory_info().rss
        t = time.perf_counter()
        h = hnswlib.Index(space="ip", dim=d)
        h.init_index(max_elements=n, M=a.m, ef_construction=a.ef_construction, random_seed=42)
        h.set_num_threads(1)
        h.add_items(x, np.arange(n), num_threads=1)
        emit(tool="hnswlib", method="hnsw-build", m=a.m, ef_construction=a.ef_construction, seconds=time.perf_counter() - t,
             index_bytes=proc.memory_info().rss - before)
        for ef in efs:
            h.set_ef(max(ef, a.k))
            t = time.perf_counter()
            found = h.knn_query(q, k=a.k, num_threads=1)[0]
            s = time.perf_counter() - t
            emit(tool="hnswlib", method="hnsw", ef=ef, recall=recall(found), qps=len(q) / s)

    if a.tool in ("all", "faiss"):
        before = proc.memory_info().rss
        t = time.perf_counter()
        f = faiss.IndexHNSWFlat(d, a.m, faiss.METRIC_INNER_PRODUCT)
        f.hnsw.efConstruction = a.ef_construction
        f.add(x)
        emit(tool="faiss", method="hnsw-build", m=a.m, ef_construction=a.ef_construction, seconds=time.perf_counter() - t,
             index_bytes=proc.memory_info().rss - before)
        for ef in efs:
            f.hnsw.efSearch = max(ef, a.k)
            t = time.perf_counter()
            found = f.search(q, a.k)[1]
            s = time.perf_counter() - t
            emit(tool="faiss", method="hnsw", ef=ef, recall=recall(found), qps=len(q) / s)
    emit(tool=a.tool, method="max-rss", bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
         bytes_after_load=rss0)


if __name__ == "__main__":
    main()
