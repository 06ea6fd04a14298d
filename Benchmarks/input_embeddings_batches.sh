#!/usr/bin/env bash
# Parity of `embed inputs` batches with the book's GPTDatasetV1 + DataLoader(shuffle=False)
# (reproduced with tiktoken in input_embeddings_reference.py): every batch, several settings,
# on the-verdict.txt and the first 3 MB of en-raw. Prints "same"/"DIFF" per case.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/.."; data="$root/../shared/data/corpus"
py="${EMBEDDINGKIT_VENV:-$here/.venv}/bin/python"
cd "$root"; swift build -c release --product embed > /dev/null 2>&1
big="${TMPDIR:-/tmp}/en-raw-3mb.txt"; (xz -dc "$data/en-raw.txt.xz" || true) | head -c 3000000 > "$big"
norm() { "$py" -c "import hashlib,json,sys; d=json.load(sys.stdin); print(len(d), hashlib.sha256(json.dumps(d,sort_keys=True).encode()).hexdigest()[:16])"; }
for args in "--max-length 4 --stride 4 --batch 8" "--max-length 256 --stride 128 --batch 4" \
            "--max-length 7 --stride 3 --batch 5" "--max-length 7 --stride 3 --batch 5 --keep-last"; do
  for f in "$data/the-verdict.txt" "$big"; do
    a=$(.build/release/embed inputs "$f" $args --json --json-batches 0 | norm)
    b=$("$py" "$here/input_embeddings_reference.py" batches "$f" $args --first 0 | norm)
    [ "$a" == "$b" ] && echo "same ($a batches/hash): $(basename "$f") $args" || echo "DIFF: $(basename "$f") $args ($a vs $b)"
  done
done
