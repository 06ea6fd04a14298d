#!/usr/bin/env bash
# Projection benchmark (issue 6): our t-SNE and PCA against openTSNE and scikit-learn, one run,
# 2 threads each, on the 10,000 most frequent words of gensim vectors trained on en-words-1m.
# Usage: Benchmarks/projection.sh [--skip-sklearn-tsne]     Results: BENCHMARKS.md, "Projections".
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(Benchmarks/setup.sh | tail -n 1)"
mkdir -p Benchmarks/out
vectors=Benchmarks/out/top10k.bin
[ -f "$vectors" ] || "$python" Benchmarks/projection_vectors.py "$vectors"
swift build -c release --product embed-bench >/dev/null
echo "load before: $(uptime)"
"$python" Benchmarks/projection_bench.py "$vectors" --embed-bench .build/release/embed-bench \
  --threads 2 "$@"
echo "load after: $(uptime)"
