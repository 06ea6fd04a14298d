#!/usr/bin/env bash
# HNSW and exact search, EmbeddingKit vs hnswlib and faiss-cpu, 1 thread, on the same .npy files,
# one tool after the other (each in its own process, so each peak RSS is its own).
# usage: [ROWS=N] [EXACT_QUERIES=N] [PRECISION=1] Benchmarks/retrieval/ann_side_by_side.sh BASE.npy QUERIES.npy \
#          [M] [EF_CONSTRUCTION] [EF_LIST]
# Needs: swift build -c release --product embed-bench; Benchmarks/setup.sh (hnswlib, faiss-cpu).
set -euo pipefail
base=$1 queries=$2 m=${3:-16} efc=${4:-200} efs=${5:-10,16,24,32,48,64,96,128,192,256}
py=${EMBEDDINGKIT_VENV:-/work/.venv-bench}/bin/python
bench=${EMBED_BENCH:-.build/release/embed-bench hnsw}
exact=${EXACT_QUERIES:-200} rows=${ROWS:-0}
echo "load before: $(uptime)"
/usr/bin/time -f '{"tool": "embeddingkit", "method": "max-rss", "bytes_kib": %M}' \
  $bench "$base" "$queries" --m "$m" --ef-construction "$efc" --ef "$efs" \
  --exact-queries "$exact" --rows "$rows" ${PRECISION:+--precision}
for tool in hnswlib faiss; do
  OMP_NUM_THREADS=1 "$py" Benchmarks/retrieval/ann_bench.py "$base" "$queries" --tool "$tool" \
    --m "$m" --ef-construction "$efc" --ef "$efs" --exact-queries "$exact" --rows "$rows"
done
OMP_NUM_THREADS=1 "$py" Benchmarks/retrieval/ann_bench.py "$base" "$queries" --tool exact \
  --exact-queries "$exact" --rows "$rows"
echo "load after: $(uptime)"
