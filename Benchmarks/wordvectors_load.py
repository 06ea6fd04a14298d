#!/usr/bin/env python3
"""Loading speed: a ~1 GB word2vec binary, gensim's load_word2vec_format vs EmbeddingKit,
and opening the same vectors in EmbeddingKit's native memory-mapped format.

Writes a seeded random word2vec binary (870,000 words x 300 dims, C-tool layout with a
newline after each row: ~1.05 GB) to a temp folder, converts it with `embed convert` to
.ekv, then times (page cache warm for both: the file is read once before timing):
  * gensim KeyedVectors.load_word2vec_format(binary=True)   (one run: it takes a while)
  * embed-bench vectors-load on the .bin (best of 3)
  * embed-bench vectors-load on the .ekv (best of 5), and with --touch (every row read).

    /work/venv/bin/python Benchmarks/wordvectors_load.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, ".build", "release")
ROWS, DIM = 870_000, 300


def main():
    work = tempfile.mkdtemp(prefix="ek-load-")
    path = os.path.join(work, "big.bin")
    rng = np.random.default_rng(3)
    with open(path, "wb") as f:
        f.write(b"%d %d\n" % (ROWS, DIM))
        for start in range(0, ROWS, 10_000):
            block = rng.standard_normal((min(10_000, ROWS - start), DIM), dtype=np.float32)
            f.write(b"".join(b"w%d " % (start + i) + row.tobytes() + b"\n" for i, row in enumerate(block)))
    size = os.path.getsize(path)
    with open(path, "rb") as f:  # warm the page cache
        while f.read(1 << 24):
            pass

    from gensim.models import KeyedVectors
    t = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, binary=True)
    gensim_seconds = time.perf_counter() - t
    assert len(kv) == ROWS
    del kv

    def bench(*args):
        return json.loads(subprocess.check_output([os.path.join(BUILD, "embed-bench"), "vectors-load", *args]))

    ours = bench("--file", path, "--repeat", "3")
    native = os.path.join(work, "big.ekv")
    subprocess.check_call([os.path.join(BUILD, "embed"), "convert", path, native])
    opened = bench("--file", native, "--repeat", "5")
    touched = bench("--file", native, "--repeat", "3", "--touch")
    print(json.dumps({
        "file_bytes": size, "words": ROWS, "dimension": DIM,
        "gensim_seconds": gensim_seconds, "embeddingkit_seconds": ours["seconds"],
        "speedup": gensim_seconds / ours["seconds"],
        "native_open_ms": opened["seconds"] * 1000,
        "native_open_and_touch_every_row_and_word_seconds": touched["seconds"],
        "load_avg": os.getloadavg(),
    }, indent=1))
    shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
