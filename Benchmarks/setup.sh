#!/usr/bin/env bash
# Installs the Python reference tools the benchmark scripts compare against, into a venv.
# Never needed by `swift test`. Usage: source <(Benchmarks/setup.sh --print-env) or just run it.
# The venv lives in $EMBEDDINGKIT_VENV (default Benchmarks/.venv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${EMBEDDINGKIT_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
fi
"$venv/bin/pip" install -q -r "$here/requirements.txt"
echo "$venv/bin/python"
