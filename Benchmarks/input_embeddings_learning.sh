#!/usr/bin/env bash
# Learning curve of `embed train-lm` on a few MB of ../shared/data/corpus/en-raw.txt.xz,
# random initialisation vs Word2Vec initialisation (same data, steps, seed), against the
# unigram baseline. Word2Vec vectors (dim 64) come from the word2vec C tool on en-words-1m.txt
# (Benchmarks/setup.sh installs it into the venv). Results: BENCHMARKS.md, section "inputs".
# Usage: Benchmarks/input_embeddings_learning.sh [max-bytes] [steps-per-epoch] [epochs] [seed]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
data="$root/../shared/data/corpus"
bytes="${1:-2000000}"; steps="${2:-300}"; epochs="${3:-2}"; seed="${4:-123}"
venv="${EMBEDDINGKIT_VENV:-$here/.venv}"
out="${TMPDIR:-/tmp}/embeddingkit-lm"; mkdir -p "$out"
if [ ! -f "$out/w2v64.bin" ]; then
  "$venv/bin/word2vec" -train "$data/en-words-1m.txt" -output "$out/w2v64.bin" -size 64 -window 5 \
    -negative 5 -sample 1e-4 -min-count 5 -iter 5 -threads 2 -binary 1 -cbow 0 > /dev/null
fi
cd "$root"
swift build -c release --product embed > /dev/null
common=(--max-bytes "$bytes" --dim 64 --context 32 --batch 16 --epochs "$epochs" --steps-per-epoch "$steps"
        --eval-every 100 --vocab-limit 4096 --seed "$seed" --quiet)
echo "== random init"; uptime
.build/release/embed train-lm "$data/en-raw.txt.xz" "${common[@]}" --curve "$out/random.csv" --output "$out/random.bin"
echo "== Word2Vec init"; uptime
.build/release/embed train-lm "$data/en-raw.txt.xz" "${common[@]}" --init-vectors "$out/w2v64.bin" \
  --curve "$out/word2vec.csv" --output "$out/word2vec.bin"
paste -d, <(cut -d, -f2,5 "$out/random.csv") <(cut -d, -f5,7 "$out/word2vec.csv") | \
  awk -F, 'NR==1{print "step | val loss (random init) | val loss (Word2Vec init) | unigram"; next}
           {printf "%s | %.4f | %.4f | %.4f\n", $1, $2, $3, $4}'
