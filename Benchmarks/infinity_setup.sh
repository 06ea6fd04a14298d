#!/usr/bin/env bash
# infinity-emb (PyPI) as an anchor for Benchmarks/server_bench.sh, in its OWN venv so the shared
# benchmark venv keeps its versions. infinity-emb 0.0.78 calls tokenizer.batch_encode_plus, which
# transformers 5 removed ("BertTokenizer has no attribute batch_encode_plus" at start-up), so this
# venv pins transformers 4 and sentence-transformers 4; torch and the rest come from the shared venv
# through a .pth line (read after the venv's own packages, which therefore win).
# Usage: Benchmarks/infinity_setup.sh [VENV_DIR]   (default /work/cache-serve/venv-infinity)
set -euo pipefail
venv="${1:-/work/cache-serve/venv-infinity}"
shared="${EMBEDDINGKIT_VENV:-/work/.venv-bench}"
base="$("$shared/bin/python" -c 'import sys; print(sys._base_executable)')"
site="$("$shared/bin/python" -c 'import site; print(site.getsitepackages()[0])')"
"$base" -m venv "$venv"
echo "$site" > "$venv/lib/python3.11/site-packages/zz-shared-venv.pth"
"$venv/bin/pip" install "infinity-emb[server]==0.0.78" "transformers>=4.47,<5" "sentence-transformers>=3.4,<5" \
  "huggingface_hub<1"
echo "run: HF_HUB_OFFLINE=1 DO_NOT_TRACK=1 $venv/bin/infinity_emb v2 --model-id MODEL_DIR --engine torch --device cpu --url-prefix /v1"
