"""The same SciFact index on sqlite-vec + FTS5, for the side-by-side with `embed-bench store`.

One SQLite file holds the documents, an FTS5 table (title + text) and a sqlite-vec `vec0` table
of the cached all-MiniLM-L6-v2 vectors (docs.npy from encode_minilm.py, one vector per document,
as `embed-bench store` indexes them). Reports build seconds, file bytes, and per-query latency
p50/p99 in ms for dense (vec0 brute-force KNN), bm25 (FTS5 bm25()) and hybrid (RRF of the top 100
of each, k 60), each returning the top 10 ids with their text. Query vectors are precomputed, so
encoding time is excluded on both sides. JSON lines.

usage: python sqlite_vec_bench.py SCIFACT_DIR VECTORS_DIR OUT.sqlite
"""
import argparse, json, lzma, os, re, sqlite3, time

import numpy as np


def emit(**kw):
    print(json.dumps(kw, sort_keys=True), flush=True)


def build_index(sqlite, path, corpus, x):
    """A fresh SQLite file at `path` with the documents, an FTS5 table (title + text) and a sqlite-vec
    vec0 table of the rows of x, written 64 documents per transaction in WAL mode (as our index
    writes). `sqlite` is the sqlite3 module to use (one that can load extensions). Returns the open
    connection, the build seconds and the file bytes."""
    import sqlite_vec

    for p in (path, path + "-wal", path + "-shm"):
        if os.path.exists(p):
            os.remove(p)
    t = time.perf_counter()
    db = sqlite.connect(path)
    db.enable_load_extension(True)
    sqlite_vec.load(db)
    db.enable_load_extension(False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(
        """
        CREATE TABLE documents(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, text TEXT);
        CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents', content_rowid='rowid');
        CREATE VIRTUAL TABLE vectors USING vec0(embedding float[%d]);
        """ % x.shape[1])
    for lo in range(0, len(corpus), 64):
        with db:
            for i in range(lo, min(len(corpus), lo + 64)):
                d = corpus[i]
                db.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", (i + 1, d["_id"], d["title"], d["text"]))
                db.execute("INSERT INTO documents_fts(rowid, title, text) VALUES (?, ?, ?)", (i + 1, d["title"], d["text"]))
                db.execute("INSERT INTO vectors(rowid, embedding) VALUES (?, ?)", (i + 1, x[i].tobytes()))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    build = time.perf_counter() - t
    size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    return db, build, size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact")
    ap.add_argument("vectors")
    ap.add_argument("out")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    import sqlite_vec

    corpus = [json.loads(l) for l in lzma.open(f"{a.scifact}/corpus.jsonl.xz", "rt")]
    queries = [json.loads(l) for l in open(f"{a.scifact}/queries.jsonl")]
    x = np.load(f"{a.vectors}/docs.npy").astype(np.float32)
    qv = np.load(f"{a.vectors}/queries.npy").astype(np.float32)
    ids = open(f"{a.vectors}/docs.ids").read().split()
    assert ids == [d["_id"] for d in corpus], "docs.ids does not follow corpus order"
    db, build, size = build_index(sqlite3, a.out, corpus, x)
    emit(tool="sqlite-vec", method="build", documents=len(corpus), seconds=build, bytes=size,
         sqlite_vec=sqlite_vec.__version__ if hasattr(sqlite_vec, "__version__") else "?",
         sqlite=sqlite3.sqlite_version)

    def fts_query(text):
        words = re.findall(r"\w+", text.lower())
        return " OR ".join('"%s"' % w for w in words) or '""'

    def dense(i, n):
        return [r[0] for r in db.execute(
            "SELECT rowid FROM vectors WHERE embedding MATCH ? AND k = ? ORDER BY distance",
            (qv[i].tobytes(), n))]

    def bm25(i, n):
        return [r[0] for r in db.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts) LIMIT ?",
            (fts_query(queries[i]["text"]), n))]

    def hybrid(i, n):
        score = {}
        for lst in (bm25(i, 100), dense(i, 100)):
            for r, d in enumerate(lst):
                score[d] = score.get(d, 0) + 1 / (60 + r + 1)
        return sorted(score, key=lambda d: -score[d])[:n]

    for name, fn in (("dense", dense), ("bm25", bm25), ("hybrid", hybrid)):
        times = []
        for _ in range(a.repeat):
            for i in range(len(queries)):
                t = time.perf_counter()
                top = fn(i, 10)
                marks = ",".join("?" * len(top))
                rows = db.execute(f"SELECT id, title, text FROM documents WHERE rowid IN ({marks})", top).fetchall()
                times.append(time.perf_counter() - t)
                assert len(rows) == len(top)
        ms = np.array(times) * 1000
        emit(tool="sqlite-vec", method=name, queries=len(times), p50_ms=float(np.percentile(ms, 50)),
             p99_ms=float(np.percentile(ms, 99)))


if __name__ == "__main__":
    main()
