#!/usr/bin/env bash
# HNSW and exact search, EmbeddingKit vs hnswlib and faiss-cpu, 1 thread, on the same .npy files.
# usage: Benchmarks/retrieval/ann_side_by_side.sh BASE.npy QUERIES.npy [M] [EF_CONSTRUCTION]
# Needs: swift build -c release --product embed-bench; pip install hnswlib faiss-cpu (requirements.txt).
set -euo pipefail
base=$1 queries=$2 m=${3:-16} efc=${4:-200}
py=${EMBEDDINGKIT_VENV:-/work/.venv-bench}/bin/python
echo "load before: $(uptime)"
/usr/bin/time -f '{"tool": "embeddingkit", "method": "max-rss", "bytes_kib": %M}' \
  .build/release/embed-bench hnsw "$base" "$queries" --m "$m" --ef-construction "$efc"
OMP_NUM_THREADS=1 "$py" Benchmarks/retrieval/ann_bench.py "$base" "$queries" --m "$m" --ef-construction "$efc"
echo "load after: $(uptime)"
