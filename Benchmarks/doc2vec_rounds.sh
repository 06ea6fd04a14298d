#!/bin/bash
# Doc2Vec PV-DBOW training time, EmbeddingKit against gensim 4.x, in alternating rounds.
#
# Each round trains gensim, then ours (then, with BASELINE set, a second `embed` binary, e.g. the
# main branch's) on the same text8-normalised SciFact corpus and on en-words-1m, with the
# settings of doc2vec_benchmark.py: PV-DBOW, dbow_words 0, dim 100, window 5, negative 5,
# sample 1e-3, min_count 2, 10 epochs, 2 threads. Times are each tool's own training time
# (gensim: `train` after `build_vocab`; ours: the "in N s" of `embed doc2vec train`, after
# reading). One line per pair with the 1-minute load average after it.
#
#   Benchmarks/doc2vec_rounds.sh [ROUNDS]        # ROUNDS default 3
#   EMBED=.build/release/embed BASELINE=/path/to/other/embed THREADS=2 WORK=/tmp/d2v-rounds
set -euo pipefail
ROUNDS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
EMBED=${EMBED:-.build/release/embed}
BASELINE=${BASELINE:-}
THREADS=${THREADS:-2}
WORK=${WORK:-/tmp/d2v-rounds}
PY=${EMBEDDINGKIT_VENV:-/work/.venv-bench}/bin/python
mkdir -p "$WORK"
if [ ! -s "$WORK/scifact.txt" ]; then
  (cd "$HERE" && "$PY" -c "import doc2vec_benchmark as b; b.prepare('$WORK')")
fi
CORPORA=("$WORK/scifact.txt" "$HERE/../../shared/data/corpus/en-words-1m.txt")
SETTINGS=(--epochs 10 --threads "$THREADS" --dim 100 --min-count 2)

gensim_seconds() {
  "$PY" "$HERE/doc2vec_benchmark.py" --gensim-worker --corpus "$1" --out "$WORK/g" "${SETTINGS[@]}" \
    --draws 0 --dm 0 --dbow-words 0 --dm-concat 0 --dm-mean 1 |
    "$PY" -c "import json,sys; print(round(json.loads(sys.stdin.read().strip().splitlines()[-1])['train_s'],2))"
}

embed_seconds() {
  "$1" doc2vec train "$2" -o "$WORK/e.d2v" --dm 0 --dbow-words 0 --dim 100 --min-count 2 \
    --epochs 10 --threads "$THREADS" 2>&1 | grep -o "in [0-9.]* s" | grep -o "[0-9.]*" | tail -1
}

for r in $(seq 1 "$ROUNDS"); do
  for c in "${CORPORA[@]}"; do
    n=$(basename "$c" .txt)
    g=$(gensim_seconds "$c")
    e=$(embed_seconds "$EMBED" "$c")
    line="round $r $n gensim $g ours $e ratio $("$PY" -c "print(round($g/$e,2))")"
    if [ -n "$BASELINE" ]; then
      b=$(embed_seconds "$BASELINE" "$c")
      line="$line baseline $b ($("$PY" -c "print(round($g/$b,2))")x)"
    fi
    echo "$line load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
