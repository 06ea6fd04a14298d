"""Encode throughput of EmbeddingKit vs tiktoken and fastokens, same run, same bytes.

Takes the first --megabytes of the corpus (cut at a line end), and measures for each encoding:
one thread, the whole text in one call (tiktoken encode_ordinary, fastokens encode_ordinary with
RAYON_NUM_THREADS=1, EmbeddingKit encodeOrdinary), best of --repeats; and a batch of documents
(lines) on --threads threads (tiktoken encode_ordinary_batch, fastokens encode_batch,
EmbeddingKit encodeBatch). Also checks that all three give the same token count.

Usage: python Benchmarks/tokenizer_speed.py [--megabytes 20] [--threads 2] [--rounds 2]
"""
import argparse, json, lzma, os, subprocess, sys, tempfile, time
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, HERE)


def read_prefix(path, n):
    with (lzma.open(path, "rb") if path.endswith(".xz") else open(path, "rb")) as f:
        data = f.read(n)
        data += f.readline()
    return data.decode("utf-8")


def best_of(repeats, fn):
    """(best seconds, result, seconds of the first call)."""
    best, result, first = float("inf"), None, None
    for _ in range(repeats):
        t0 = time.perf_counter(); result = fn(); dt = time.perf_counter() - t0
        best = min(best, dt)
        first = dt if first is None else first
    return best, result, first


def best(a, b):
    """Per-key maximum of two result dicts (throughputs: higher is better)."""
    return {k: (max(a[k], b[k]) if k.endswith("per_s") else a[k]) for k in a}


def python_side(args):
    """Runs in a child process so RAYON_NUM_THREADS can differ between measurements."""
    from tokenizer_parity import load_encodings, CL100K_PAT, O200K_PAT
    import tiktoken_ext.openai_public as op
    import fastokens
    text = read_prefix(args.corpus, int(args.megabytes * 1e6))
    lines = [l + "\n" for l in text.split("\n")]
    mb = len(text.encode("utf-8")) / 1e6
    encodings = load_encodings(args.tokenizers)
    tmp = tempfile.mkdtemp()
    out = []
    for name in args.encodings.split(","):
        enc = encodings[name]
        path = os.path.join(tmp, f"{name}.tiktoken")
        import base64
        with open(path, "wb") as f:
            for tok, rank in sorted(enc._mergeable_ranks.items(), key=lambda x: x[1]):
                f.write(base64.b64encode(tok) + b" " + str(rank).encode() + b"\n")
        pat = {"gpt2": op.r50k_pat_str, "cl100k_base": CL100K_PAT, "o200k_base": O200K_PAT}[name]
        fast = fastokens.Tokenizer.from_tiktoken(path, pattern=pat, special_tokens=enc._special_tokens)
        enc.encode_ordinary(text[:100000]); fast.encode_ordinary(text[:100000])
        if args.mode == "single":
            t, ids, t1 = best_of(args.repeats, lambda: enc.encode_ordinary(text))
            tf, fids, tf1 = best_of(args.repeats, lambda: fast.encode_ordinary(text).ids)
            out.append({"encoding": name, "megabytes": mb, "tiktoken_tokens": len(ids),
                        "tiktoken_mb_per_s": mb / t, "fastokens_tokens": len(fids),
                        "fastokens_mb_per_s": mb / tf, "fastokens_equal": fids == ids,
                        "tiktoken_first_mb_per_s": mb / t1, "fastokens_first_mb_per_s": mb / tf1})
        else:
            t, ids, _ = best_of(args.repeats, lambda: enc.encode_ordinary_batch(lines, num_threads=args.threads))
            tf, fids, _ = best_of(args.repeats, lambda: fast.encode_batch(lines))
            out.append({"encoding": name, "tiktoken_batch_mb_per_s": mb / t,
                        "fastokens_batch_mb_per_s": mb / tf,
                        "batch_tokens": sum(map(len, ids))})
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/data/corpus/en-raw.txt.xz"))
    ap.add_argument("--tokenizers", default=os.path.join(ROOT, "../shared/data/tokenizers"))
    ap.add_argument("--megabytes", type=float, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--encodings", default="gpt2,cl100k_base,o200k_base")
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build/release/embed-bench"))
    ap.add_argument("--mode", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        return python_side(args)

    common = ["--corpus", args.corpus, "--tokenizers", args.tokenizers, "--megabytes",
              str(args.megabytes), "--threads", str(args.threads), "--repeats", str(args.repeats),
              "--encodings", args.encodings]
    load = os.getloadavg()
    # Alternate the tools for --rounds rounds and keep each one's best, so a burst of load
    # from other processes does not favour whoever ran at a quiet moment.
    single = batch = ours = None
    for _ in range(args.rounds):
        s = json.loads(subprocess.run(
            [sys.executable, __file__, "--mode", "single", *common], check=True,
            capture_output=True, text=True, env={**os.environ, "RAYON_NUM_THREADS": "1"}).stdout)
        o = [json.loads(l) for l in subprocess.run(
            [args.bench, "tokenizer-speed", "--input", args.corpus, "--megabytes", str(args.megabytes),
             "--threads", str(args.threads), "--repeats", str(args.repeats), "--encodings",
             args.encodings], check=True, capture_output=True, text=True).stdout.splitlines() if l.strip()]
        b = json.loads(subprocess.run(
            [sys.executable, __file__, "--mode", "batch", *common], check=True, capture_output=True,
            text=True, env={**os.environ, "RAYON_NUM_THREADS": str(args.threads)}).stdout)
        single = s if single is None else [best(x, y) for x, y in zip(single, s)]
        batch = b if batch is None else [best(x, y) for x, y in zip(batch, b)]
        ours = o if ours is None else [best(x, y) for x, y in zip(ours, o)]
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after: "
          f"{os.getloadavg()[0]:.2f}; best of {args.rounds} rounds x {args.repeats} repeats; "
          f"{single[0]['megabytes']:.1f} MB of {os.path.basename(args.corpus)}")
    print("One thread, first call (fastokens' piece cache is cold; tiktoken has none; ours is bounded):")
    print("| encoding | EmbeddingKit MB/s | tiktoken MB/s | fastokens MB/s | vs tiktoken | vs fastokens |")
    print("| --- | --- | --- | --- | --- | --- |")
    for s, o in zip(single, ours):
        print(f"| {s['encoding']} | {o['first_mb_per_s']:.1f} | {s['tiktoken_first_mb_per_s']:.1f} | "
              f"{s['fastokens_first_mb_per_s']:.1f} | "
              f"{o['first_mb_per_s'] / s['tiktoken_first_mb_per_s']:.2f}x | "
              f"{o['first_mb_per_s'] / s['fastokens_first_mb_per_s']:.2f}x |")
    print(f"One thread, best of {args.repeats} calls on the same text (fastokens then has cached every piece),"
          f" and batch on {args.threads} threads:")
    print("| encoding | EmbeddingKit MB/s | tiktoken MB/s | fastokens MB/s | vs tiktoken | vs fastokens "
          f"| batch {args.threads} thr: EmbeddingKit | tiktoken | fastokens | same tokens |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for s, b, o in zip(single, batch, ours):
        same = (o["tokens"] == s["tiktoken_tokens"] and s["fastokens_equal"]
                and o["batch_tokens"] == b["batch_tokens"])
        print(f"| {s['encoding']} | {o['mb_per_s']:.1f} | {s['tiktoken_mb_per_s']:.1f} | "
              f"{s['fastokens_mb_per_s']:.1f} | {o['mb_per_s'] / s['tiktoken_mb_per_s']:.2f}x | "
              f"{o['mb_per_s'] / s['fastokens_mb_per_s']:.2f}x | {o['batch_mb_per_s']:.1f} | "
              f"{b['tiktoken_batch_mb_per_s']:.1f} | {b['fastokens_batch_mb_per_s']:.1f} | "
              f"{'yes' if same else 'NO'} |")

if __name__ == "__main__":
    main()
