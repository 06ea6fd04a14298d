"""SciFact nDCG@10 / recall@100 of all-MiniLM-L6-v2 vectors cut to their first d dimensions and renormalised
(Matryoshka truncation, as `embed encode --dimensions d` does), from the float32 vectors that
`sentence_benchmark.py --skip-parity --skip-speed` saves (sf-d-float32.npy, sf-q-float32.npy in its work folder).

    EMBEDDINGKIT_BENCH_WORK=/tmp/sf python Benchmarks/sentence_benchmark.py --skip-parity --skip-speed
    python Benchmarks/matryoshka_scifact.py /tmp/sf
"""
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sentence_benchmark as sb  # noqa: E402

work = sys.argv[1] if len(sys.argv) > 1 else os.path.join(sb.ROOT, ".build/sentence-bench")
doc_ids, _, query_ids, _, qrels = sb.scifact_data()
docs = np.load(os.path.join(work, "sf-d-float32.npy"))
queries = np.load(os.path.join(work, "sf-q-float32.npy"))
print("| encoder | dim | SciFact nDCG@10 | recall@100 |\n|---|---:|---:|---:|")
for d in [32, 64, 128, 256, docs.shape[1]]:
    dd = docs[:, :d] / np.linalg.norm(docs[:, :d], axis=1, keepdims=True)
    qq = queries[:, :d] / np.linalg.norm(queries[:, :d], axis=1, keepdims=True)
    n, r = sb.scifact_metrics(dd, qq, doc_ids, query_ids, qrels)
    print(f"| MiniLM, first d dims | {d} | {n:.4f} | {r:.4f} |")
