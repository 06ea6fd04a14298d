#!/usr/bin/env python3
"""Word2Vec training: EmbeddingKit (`embed train`) against gensim, the word2vec C tool and fastText.

All tools run in ONE invocation, one after another, on the same decompressed corpus with the same
settings (dim 100, window 5, negative 5, sample 1e-4, min-count 5, 2 threads; skip-gram alpha
0.025, CBOW alpha 0.05). For each run it records:

- training words/s = corpus words x epochs / training wall seconds, where training seconds are
  ours: the trainer's own timer (after counting the vocabulary; excludes writing the file);
  gensim: the `train()` call; word2vec C: from its first progress line to exit (includes writing
  the .bin, ~0.3 s); fastText: its own final words/sec/thread x threads (its wall-clock rate);
- words per CPU-second of the whole process (user+sys from /usr/bin/time -v): robust to other load;
- peak RSS of the whole process (/usr/bin/time -v);
- quality of the vectors by gensim's own evaluators: evaluate_word_analogies(questions-words.txt,
  restrict_vocab=30000) and evaluate_word_pairs(wordsim353.tsv) (Spearman);
- the machine load (`uptime`) before each run.
Finally it shows that gensim's KeyedVectors.load_word2vec_format reads our .bin and .txt files.

gensim is run two ways: `corpus_file=` (its fastest, multistream mode) and a `LineSentence`
iterator (its standard mode). Note: in corpus_file mode with workers > 1 gensim's learning rate
decays only to the middle of its range within each epoch (each worker measures its share of the
words against the whole corpus), so it trains at a higher average rate than the settings say.

Usage (from the package root, after `swift build -c release --product embed`):
  $(Benchmarks/setup.sh) Benchmarks/word2vec_benchmark.py --epochs 5
Options: --corpus, --epochs, --threads, --tools, --models, --work, --json.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")

GENSIM_FILE = r"""
import json, sys, time
from gensim.models import Word2Vec
corpus, out, sg, alpha, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
m = Word2Vec(vector_size=100, window=5, negative=5, hs=0, sample=1e-4, min_count=5, workers=threads,
             sg=sg, alpha=alpha, epochs=epochs, seed=1)
m.build_vocab(corpus_file=corpus)
t = time.time()
m.train(corpus_file=corpus, total_words=m.corpus_total_words, epochs=epochs)
dt = time.time() - t
m.wv.save_word2vec_format(out, binary=True)
print(json.dumps({"train_seconds": dt, "corpus_words": m.corpus_total_words}))
"""

GENSIM_ITER = r"""
import json, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
corpus, out, sg, alpha, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
m = Word2Vec(vector_size=100, window=5, negative=5, hs=0, sample=1e-4, min_count=5, workers=threads,
             sg=sg, alpha=alpha, epochs=epochs, seed=1)
m.build_vocab(LineSentence(corpus))
t = time.time()
m.train(LineSentence(corpus), total_examples=m.corpus_count, epochs=epochs)
dt = time.time() - t
m.wv.save_word2vec_format(out, binary=True)
print(json.dumps({"train_seconds": dt, "corpus_words": m.corpus_total_words}))
"""

FASTTEXT = r"""
import json, sys, time
import fasttext
corpus, out, model, alpha, epochs, threads = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
t = time.time()
m = fasttext.train_unsupervised(corpus, model=model, dim=100, ws=5, neg=5, t=1e-4, minCount=5,
                                epoch=epochs, lr=alpha, thread=threads, minn=0, maxn=0,
                                wordNgrams=1, bucket=0, verbose=2)
dt = time.time() - t
words = m.get_words()
with open(out, "w") as f:
    f.write(f"{len(words)} {m.get_dimension()}\n")
    for w in words:
        f.write(w + " " + " ".join(f"{x:.6f}" for x in m.get_word_vector(w)) + "\n")
print(json.dumps({"call_seconds": dt}))
"""

EVALUATE = r"""
import json, sys, logging
logging.disable(logging.WARNING)
from gensim.models import KeyedVectors
path, binary, questions, wordsim = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4]
kv = KeyedVectors.load_word2vec_format(path, binary=binary)
acc, _ = kv.evaluate_word_analogies(questions, restrict_vocab=30000)
pearson, spearman, oov = kv.evaluate_word_pairs(wordsim)
print(json.dumps({"analogy": acc * 100, "spearman": spearman[0], "vocabulary": len(kv),
                  "first_words": kv.index_to_key[:5]}))
"""


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def timed(cmd, work, name, stream_marker=None):
    """Runs cmd under /usr/bin/time -v; returns (stdout, stderr, wall, rss_kb, cpu_s, marker_time)."""
    tfile = os.path.join(work, f"{name}.time")
    full = ["/usr/bin/time", "-v", "-o", tfile] + cmd
    start = time.time()
    marker_at = None
    out_chunks = []
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if stream_marker is not None:
        # Read stdout as it arrives to time-stamp the first progress line.
        fd = proc.stdout.fileno()
        buf = b""
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            out_chunks.append(chunk)
            if marker_at is None:
                buf += chunk
                if stream_marker in buf:
                    marker_at = time.time()
        err = proc.stderr.read()
        proc.wait()
        out = b"".join(out_chunks)
    else:
        out, err = proc.communicate()
    end = time.time()
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace")[-3000:])
        raise SystemExit(f"{name} failed with exit code {proc.returncode}")
    text = open(tfile).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    return (out.decode(errors="replace"), err.decode(errors="replace"), end - start, rss, user + system,
            (end - marker_at) if marker_at else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(SHARED, "corpus", "en-words.txt.xz"))
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tools", default="ours,gensim-file,gensim-iter,word2vec-c,fasttext")
    ap.add_argument("--models", default="skipgram,cbow")
    ap.add_argument("--work", default="/tmp/embeddingkit-bench")
    ap.add_argument("--embed", default=os.path.join(ROOT, ".build", "release", "embed"))
    ap.add_argument("--word2vec", default=shutil.which("word2vec") or os.path.join(os.path.dirname(sys.executable), "word2vec"))
    ap.add_argument("--json", default=None, help="also write the results here")
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    corpus = args.corpus
    if corpus.endswith(".xz") or corpus.endswith(".gz"):
        plain = os.path.join(args.work, os.path.basename(corpus).rsplit(".", 1)[0])
        if not os.path.exists(plain):
            print(f"decompressing {corpus} -> {plain}", flush=True)
            tool = "xz" if corpus.endswith(".xz") else "gzip"
            with open(plain + ".part", "wb") as f:
                subprocess.run([tool, "-dc", corpus], stdout=f, check=True)
            os.rename(plain + ".part", plain)
        corpus = plain
    corpus_words = 0
    with open(corpus, "rb") as f:
        for line in f:
            corpus_words += len(line.split())
    print(f"corpus {corpus}: {corpus_words:,} words; epochs {args.epochs}, threads {args.threads}", flush=True)
    questions = os.path.join(SHARED, "eval", "questions-words.txt")
    wordsim = os.path.join(SHARED, "eval", "wordsim353.tsv")
    py = sys.executable
    tools = args.tools.split(",")
    results = []
    # Tools the ratios need run first for both models; the extra anchors after.
    required = [t for t in tools if t in ("ours", "gensim-file", "word2vec-c")]
    optional = [t for t in tools if t not in required]
    plan = [(t, m) for group in (required, optional) for m in args.models.split(",") for t in group]
    for tool, model in plan:
            sg = model == "skipgram"
            alpha = 0.025 if sg else 0.05
            name = f"{tool}-{model}"
            load = uptime()
            print(f"\n== {name}  ({load})", flush=True)
            binary = True
            rate_note = ""
            if tool == "ours":
                out = os.path.join(args.work, f"{name}.bin")
                cmd = [args.embed, "train", corpus, "-o", out, "--model", model, "--dim", "100", "--window", "5",
                       "--negative", "5", "--sample", "1e-4", "--min-count", "5", "--epochs", str(args.epochs),
                       "--alpha", str(alpha), "--threads", str(args.threads)]
                stdout, stderr, wall, rss, cpu, _ = timed(cmd, args.work, name)
                m = re.search(r"trained (\d+) words in ([\d.]+) s", stderr)
                train_s = float(m.group(2))
            elif tool in ("gensim-file", "gensim-iter"):
                out = os.path.join(args.work, f"{name}.bin")
                script = GENSIM_FILE if tool == "gensim-file" else GENSIM_ITER
                cmd = [py, "-c", script, corpus, out, "1" if sg else "0", str(alpha), str(args.epochs), str(args.threads)]
                stdout, stderr, wall, rss, cpu, _ = timed(cmd, args.work, name)
                train_s = json.loads(stdout.strip().splitlines()[-1])["train_seconds"]
            elif tool == "word2vec-c":
                out = os.path.join(args.work, f"{name}.bin")
                cmd = [args.word2vec, "-train", corpus, "-output", out, "-cbow", "0" if sg else "1", "-size", "100",
                       "-window", "5", "-negative", "5", "-hs", "0", "-sample", "1e-4", "-min-count", "5",
                       "-threads", str(args.threads), "-iter", str(args.epochs), "-alpha", str(alpha), "-binary", "1"]
                stdout, stderr, wall, rss, cpu, since_marker = timed(cmd, args.work, name, stream_marker=b"Alpha:")
                train_s = since_marker
            elif tool == "fasttext":
                out = os.path.join(args.work, f"{name}.vec")
                binary = False
                cmd = [py, "-c", FASTTEXT, corpus, out, model, str(alpha), str(args.epochs), str(args.threads)]
                stdout, stderr, wall, rss, cpu, _ = timed(cmd, args.work, name)
                rates = re.findall(r"words/sec/thread:\s*(\d+)", stderr)
                train_s = corpus_words * args.epochs / (int(rates[-1]) * args.threads) if rates else wall
                rate_note = "fastText's own words/sec/thread x threads"
            else:
                raise SystemExit(f"unknown tool {tool}")
            words_per_s = corpus_words * args.epochs / train_s
            ev = subprocess.run([py, "-c", EVALUATE, out, "1" if binary else "0", questions, wordsim],
                                capture_output=True, text=True, check=True)
            quality = json.loads(ev.stdout.strip().splitlines()[-1])
            r = {"tool": tool, "model": model, "train_seconds": round(train_s, 2), "wall_seconds": round(wall, 2),
                 "words_per_second": round(words_per_s), "cpu_seconds": round(cpu, 2),
                 "words_per_cpu_second": round(corpus_words * args.epochs / cpu), "peak_rss_mib": round(rss / 1024, 1),
                 "analogy": round(quality["analogy"], 2), "spearman": round(quality["spearman"], 4),
                 "vocabulary": quality["vocabulary"], "load_before": load, "note": rate_note}
            results.append(r)
            print(json.dumps(r), flush=True)

    # gensim reads our word2vec binary and text files.
    if "ours" in tools:
        small = os.path.join(SHARED, "corpus", "en-words-1m.txt")
        checks = []
        for ext, binary in (("bin", True), ("txt", False)):
            out = os.path.join(args.work, f"ours-format-check.{ext}")
            subprocess.run([args.embed, "train", small, "-o", out, "--epochs", "1", "--threads", "1", "--quiet"], check=True)
            code = ("import sys; from gensim.models import KeyedVectors as K; "
                    f"kv=K.load_word2vec_format(sys.argv[1], binary={binary}); "
                    "print(len(kv), kv.vector_size, kv.index_to_key[:3], kv.most_similar('king', topn=3))")
            ev = subprocess.run([py, "-c", code, out], capture_output=True, text=True, check=True)
            checks.append(f"{ext}: {ev.stdout.strip()}")
            print(f"gensim load_word2vec_format(ours .{ext}): {ev.stdout.strip()}", flush=True)
    else:
        checks = []

    print("\n| model | tool | train words/s | ours / tool | words per CPU-s | analogy % | Spearman | peak RSS MiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in sorted(results, key=lambda r: (r["model"] != "skipgram", tools.index(r["tool"]))):
        ours = next((x for x in results if x["tool"] == "ours" and x["model"] == r["model"]), None)
        ratio = f"{ours['words_per_second'] / r['words_per_second']:.2f}x" if ours else ""
        print(f"| {r['model']} | {r['tool']} | {r['words_per_second']:,} | {ratio} | {r['words_per_cpu_second']:,} | "
              f"{r['analogy']:.2f} | {r['spearman']:.4f} | {r['peak_rss_mib']} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"corpus": corpus, "corpus_words": corpus_words, "epochs": args.epochs,
                       "threads": args.threads, "results": results, "format_checks": checks}, f, indent=1)


if __name__ == "__main__":
    main()
