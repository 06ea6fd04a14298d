#!/usr/bin/env bash
# Exact batch search, one thread: ours against faiss IndexFlatIP (and, when OLD names another embed-bench
# binary, that one too), alternating within each of ROUNDS rounds, two timings per run.
#
#   Benchmarks/retrieval/exact_1m.sh DATA_DIR        # DATA_DIR holds base.npy and queries.npy
#   (made by: python Benchmarks/retrieval/make_clustered.py DATA_DIR --n 1000000)
# Environment: PYTHON (a python with faiss-cpu; default .venv-bench/bin/python), OLD, ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:?usage: exact_1m.sh DATA_DIR}
b=$data/base.npy q=$data/queries.npy
py=${PYTHON:-.venv-bench/bin/python}
swift build -c release --product embed-bench >/dev/null
for round in $(seq 1 "${ROUNDS:-3}"); do
  echo "round $round load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
  .build/release/embed-bench hnsw "$b" "$q" --no-hnsw --exact-queries 1 --exact-repeats 2 | grep exact-batch | sed 's/^/new /'
  OMP_NUM_THREADS=1 "$py" Benchmarks/retrieval/ann_bench.py "$b" "$q" --tool exact --exact-queries 1 --exact-repeats 2 | grep exact-batch | sed 's/^/faiss /'
  if [ -n "${OLD:-}" ]; then
    "$OLD" hnsw "$b" "$q" --no-hnsw --exact-queries 1 --exact-repeats 2 | grep exact-batch | sed 's/^/old /'
  fi
done
