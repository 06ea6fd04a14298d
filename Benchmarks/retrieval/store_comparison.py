"""SciFact on the stores people use, with the vectors of our own index: sqlite-vec + FTS5 and
PostgreSQL + pgvector (psycopg), side by side with the numbers of our stores.

The document vectors are read from an index built by `embed index add` (all-MiniLM-L6-v2, one chunk
per abstract), the query vectors from a cache of sentence-transformers query vectors
(encode_minilm.py: queries.npy + queries.ids), so nothing is encoded here and query latency excludes
encoding on every side. The vectors are also written as docs.npy/docs.ids beside the query cache, for
`embed-postgres bench` and `embed-bench store` (our SQLite and PostgreSQL stores on the same vectors).

For each tool: build seconds (rows inserted in 64-document transactions for SQLite; COPY for
PostgreSQL, then its indexes), bytes on disk, per-query latency p50/p99 (top 10 ids plus their
text, the 300 test queries, one connection, one thread), nDCG@10 and recall@100 on qrels/test.tsv
(pytrec_eval, BEIR's definitions). Modes: dense (sqlite-vec vec0 brute force; pgvector exact scan
and HNSW M 16 ef_construction 200 at the given ef_search), bm25 (FTS5 bm25(); PostgreSQL full text
ts_rank_cd over an OR of the query's words, what a pgvector user has without an extension), hybrid
(RRF k 60 of the top 100 of each, as our default). JSON lines on stdout.

usage: python store_comparison.py SCIFACT INDEX.sqlite QUERY_CACHE WORKDIR [--pg-url URL] [--ef 40,100]
"""
import argparse, json, lzma, os, re, sqlite3, sys, time

import numpy as np


def emit(**kw):
    print(json.dumps(kw, sort_keys=True), flush=True)


def pct(times, q):
    return float(np.percentile(np.array(times) * 1000, q))


def evaluate(run, qrels):
    import pytrec_eval

    ev = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recall.100"})
    res = ev.evaluate(run)
    n = len(res)
    return (sum(r["ndcg_cut_10"] for r in res.values()) / n, sum(r["recall_100"] for r in res.values()) / n)


def load(a):
    corpus = [json.loads(l) for l in lzma.open(f"{a.scifact}/corpus.jsonl.xz", "rt")]
    queries = {}
    for l in open(f"{a.scifact}/queries.jsonl"):
        q = json.loads(l)
        queries[q["_id"]] = q["text"]
    qrels = {}
    for i, l in enumerate(open(f"{a.scifact}/qrels/test.tsv")):
        if i == 0:
            continue
        qid, did, s = l.split()
        qrels.setdefault(qid, {})[did] = int(s)
    idx = sqlite3.connect(f"file:{a.index}?mode=ro", uri=True)
    rows = idx.execute(
        "SELECT d.id, c.vector FROM chunks c JOIN documents d ON d.rowid = c.doc ORDER BY c.doc, c.ordinal"
    ).fetchall()
    vec = {}
    for did, blob in rows:
        assert did not in vec, "this script expects one chunk per document"
        vec[did] = np.frombuffer(blob, dtype=np.float32)
    x = np.stack([vec[d["_id"]] for d in corpus])
    qids = open(f"{a.query_cache}/queries.ids").read().split()
    qv_all = np.load(f"{a.query_cache}/queries.npy").astype(np.float32)
    qrow = {q: i for i, q in enumerate(qids)}
    test = sorted(qrels, key=lambda q: int(q) if q.isdigit() else q)
    qv = np.stack([qv_all[qrow[q]] for q in test])
    qv /= np.linalg.norm(qv, axis=1, keepdims=True)
    os.makedirs(a.workdir, exist_ok=True)
    np.save(f"{a.workdir}/docs.npy", x)
    open(f"{a.workdir}/docs.ids", "w").write("\n".join(d["_id"] for d in corpus) + "\n")
    np.save(f"{a.workdir}/queries.npy", qv_all)
    open(f"{a.workdir}/queries.ids", "w").write("\n".join(qids) + "\n")
    return corpus, queries, qrels, test, x, qv


def words(text):
    return re.findall(r"\w+", text.lower())


def rrf(lists, n, k=60):
    score = {}
    for lst in lists:
        for r, d in enumerate(lst):
            score[d] = score.get(d, 0) + 1 / (k + r + 1)
    return sorted(score, key=lambda d: (-score[d], d))[:n]


def measure(tool, modes, fetch, test, queries, qrels, corpus):
    """modes: name -> fn(i, n) -> rowids (1-based corpus positions); fetch(rowids) -> rows."""
    for name, fn in modes.items():
        fn(0, 10)  # warm
        times = []
        for i in range(len(test)):
            t = time.perf_counter()
            top = fn(i, 10)
            rows = fetch(top)
            times.append(time.perf_counter() - t)
            assert len(rows) == len(top)
        run = {}
        for i, qid in enumerate(test):
            ranked = fn(i, 100)
            run[qid] = {corpus[r - 1]["_id"]: float(100 - j) for j, r in enumerate(ranked)}
        ndcg, recall = evaluate(run, qrels)
        emit(tool=tool, mode=name, queries=len(times), p50_ms=pct(times, 50), p99_ms=pct(times, 99),
             ndcg10=round(ndcg, 4), recall100=round(recall, 4))


def sqlite_vec_side(a, corpus, queries, qrels, test, x, qv):
    try:  # the venv's sqlite3 may be built without extension loading; pysqlite3-binary has it
        import pysqlite3 as sqlite
    except ImportError:
        sqlite = sqlite3

    sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
    from sqlite_vec_bench import build_index
    db, build, size = build_index(sqlite, f"{a.workdir}/scifact-sqlite-vec.sqlite", corpus, x)
    emit(tool="sqlite-vec + FTS5", step="build", documents=len(corpus), seconds=round(build, 2), bytes=size,
         sqlite_vec=db.execute("SELECT vec_version()").fetchone()[0], sqlite=sqlite.sqlite_version)

    def fts(i):
        return " OR ".join('"%s"' % w for w in words(queries[test[i]])) or '""'

    def dense(i, n):
        return [r[0] for r in db.execute(
            "SELECT rowid FROM vectors WHERE embedding MATCH ? AND k = ? ORDER BY distance", (qv[i].tobytes(), n))]

    def bm25(i, n):
        return [r[0] for r in db.execute(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY bm25(documents_fts) LIMIT ?",
            (fts(i), n))]

    def hybrid(i, n):
        return rrf([bm25(i, 100), dense(i, 100)], n)

    def fetch(top):
        marks = ",".join("?" * len(top))
        return db.execute(f"SELECT id, title, text FROM documents WHERE rowid IN ({marks})", top).fetchall()

    measure("sqlite-vec + FTS5", {"dense": dense, "bm25": bm25, "hybrid": hybrid}, fetch, test, queries, qrels,
            corpus)
    db.close()


def pgvector_side(a, corpus, queries, qrels, test, x, qv):
    import psycopg

    conn = psycopg.connect(a.pg_url.replace("postgres://", "postgresql://"), autocommit=True)
    version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0]
    server = conn.execute("SHOW server_version").fetchone()[0]
    conn.execute("DROP SCHEMA IF EXISTS cmp CASCADE")
    conn.execute("CREATE SCHEMA cmp")
    d = x.shape[1]

    def vtext(v):
        return "[" + ",".join("%.9g" % f for f in v) + "]"

    t = time.perf_counter()
    conn.execute(f"""CREATE TABLE cmp.documents(rowid bigint PRIMARY KEY, id text UNIQUE, title text, text text,
                     tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || text)) STORED,
                     embedding vector({d}))""")
    with conn.cursor() as cur:
        with cur.copy("COPY cmp.documents(rowid, id, title, text, embedding) FROM STDIN") as cp:
            for i, doc in enumerate(corpus):
                cp.write_row((i + 1, doc["_id"], doc["title"], doc["text"], vtext(x[i])))
    conn.execute("CREATE INDEX documents_tsv ON cmp.documents USING gin(tsv)")
    conn.execute("VACUUM ANALYZE cmp.documents")
    build = time.perf_counter() - t
    size = conn.execute("SELECT pg_total_relation_size('cmp.documents')").fetchone()[0]
    t = time.perf_counter()
    conn.execute("CREATE INDEX documents_hnsw ON cmp.documents USING hnsw (embedding vector_ip_ops) "
                 "WITH (m = 16, ef_construction = 200)")
    hnsw = time.perf_counter() - t
    size_hnsw = conn.execute("SELECT pg_total_relation_size('cmp.documents')").fetchone()[0]
    emit(tool="PostgreSQL + pgvector", step="build", documents=len(corpus), seconds=round(build, 2), bytes=size,
         hnsw_seconds=round(hnsw, 2), bytes_with_hnsw=size_hnsw, pgvector=version, server=server)

    qtext = [vtext(v) for v in qv]

    def tsq(i):
        return " | ".join(words(queries[test[i]])) or "x"

    def dense_exact(i, n):
        with conn.transaction():
            conn.execute("SET LOCAL enable_indexscan = off")
            return [r[0] for r in conn.execute(
                "SELECT rowid FROM cmp.documents ORDER BY embedding <#> %s::vector LIMIT %s", (qtext[i], n))]

    def dense_hnsw(ef):
        def fn(i, n):
            with conn.transaction():
                conn.execute(f"SET LOCAL hnsw.ef_search = {max(ef, n)}")
                return [r[0] for r in conn.execute(
                    "SELECT rowid FROM cmp.documents ORDER BY embedding <#> %s::vector LIMIT %s", (qtext[i], n))]
        return fn

    def bm25(i, n):
        return [r[0] for r in conn.execute(
            "SELECT rowid FROM cmp.documents, to_tsquery('english', %s) q WHERE tsv @@ q "
            "ORDER BY ts_rank_cd(tsv, q) DESC, rowid LIMIT %s", (tsq(i), n))]

    def hybrid(i, n):
        return rrf([bm25(i, 100), dense_exact(i, 100)], n)

    def fetch(top):
        return conn.execute("SELECT id, title, text FROM cmp.documents WHERE rowid = ANY(%s)", (top,)).fetchall()

    modes = {"dense (exact scan)": dense_exact}
    for ef in a.ef:
        modes[f"dense (HNSW ef_search {ef})"] = dense_hnsw(ef)
    modes["bm25 (ts_rank_cd)"] = bm25
    modes["hybrid (RRF, exact dense)"] = hybrid
    measure("PostgreSQL + pgvector", modes, fetch, test, queries, qrels, corpus)
    # Recall@10 of HNSW against the exact scan.
    exact = [set(dense_exact(i, 10)) for i in range(len(test))]
    for ef in a.ef:
        fn = dense_hnsw(ef)
        found = sum(len(exact[i] & set(fn(i, 10))) for i in range(len(test)))
        emit(tool="PostgreSQL + pgvector", mode=f"HNSW ef_search {ef}", recall10_vs_exact=found / (10 * len(test)))
    conn.execute("DROP SCHEMA cmp CASCADE")
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact")
    ap.add_argument("index")
    ap.add_argument("query_cache")
    ap.add_argument("workdir")
    ap.add_argument("--pg-url", default=os.environ.get("EMBEDDINGKIT_POSTGRES_URL"))
    ap.add_argument("--ef", default="40,100", type=lambda s: [int(v) for v in s.split(",") if v])
    ap.add_argument("--skip-sqlite-vec", action="store_true")
    a = ap.parse_args()
    corpus, queries, qrels, test, x, qv = load(a)
    emit(step="data", documents=len(corpus), test_queries=len(test), dimension=x.shape[1],
         load=os.getloadavg())
    if not a.skip_sqlite_vec:
        sqlite_vec_side(a, corpus, queries, qrels, test, x, qv)
    if a.pg_url:
        pgvector_side(a, corpus, queries, qrels, test, x, qv)
    emit(step="end", load=os.getloadavg())


if __name__ == "__main__":
    main()
