"""Encode throughput of EmbeddingKit vs tiktoken and fastokens, same run, same bytes.

Takes the first --megabytes of the corpus (cut at a line end), and measures for each encoding:
one thread, the whole text in one call (tiktoken encode_ordinary, fastokens encode_ordinary,
EmbeddingKit encodeOrdinary), best of --repeats; and a batch of documents (lines) on --threads
threads (tiktoken encode_ordinary_batch, fastokens encode_batch, EmbeddingKit encodeBatch, which
is also timed on one thread to give its speed-up). Also checks that all three give the same token
count.

fastokens splits one long text over its own worker pool (FASTOKENS_BPE_THREADS, default: every
core; RAYON_NUM_THREADS does not limit it), so the one-thread measurement pins it with
FASTOKENS_BPE_THREADS=1 (--fastokens-threads 0 leaves its default). CPU time is reported beside
wall time for every tool: process CPU (time.process_time) for the Python tools, thread CPU for
EmbeddingKit, so the CPU columns stay comparable when other processes load the machine.

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
    """(best wall seconds, result, wall seconds of the first call, best process CPU seconds)."""
    best, result, first, best_cpu = float("inf"), None, None, float("inf")
    for _ in range(repeats):
        c0 = time.process_time(); t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0; dc = time.process_time() - c0
        best, best_cpu = min(best, dt), min(best_cpu, dc)
        first = dt if first is None else first
    return best, result, first, best_cpu


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
            t, ids, t1, c = best_of(args.repeats, lambda: enc.encode_ordinary(text))
            tf, fids, tf1, cf = best_of(args.repeats, lambda: fast.encode_ordinary(text).ids)
            out.append({"encoding": name, "megabytes": mb, "tiktoken_tokens": len(ids),
                        "tiktoken_mb_per_s": mb / t, "fastokens_tokens": len(fids),
                        "fastokens_mb_per_s": mb / tf, "fastokens_equal": fids == ids,
                        "tiktoken_cpu_mb_per_s": mb / c, "fastokens_cpu_mb_per_s": mb / cf,
                        "tiktoken_first_mb_per_s": mb / t1, "fastokens_first_mb_per_s": mb / tf1})
        else:
            t, ids, _, _ = best_of(args.repeats, lambda: enc.encode_ordinary_batch(lines, num_threads=args.threads))
            tf, fids, _, _ = best_of(args.repeats, lambda: fast.encode_batch(lines))
            out.append({"encoding": name, "tiktoken_batch_mb_per_s": mb / t,
                        "fastokens_batch_mb_per_s": mb / tf,
                        "batch_tokens": sum(map(len, ids)), "lines": len(lines)})
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
    ap.add_argument("--fastokens-threads", type=int, default=1,
                    help="FASTOKENS_BPE_THREADS for the one-thread measurement (0: its default)")
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
    pair_ratios = {}  # encoding -> one-thread / many-thread time of each back-to-back batch pair
    single_env = {k: v for k, v in os.environ.items() if k != "FASTOKENS_BPE_THREADS"}
    single_env["RAYON_NUM_THREADS"] = "1"
    if args.fastokens_threads > 0:
        single_env["FASTOKENS_BPE_THREADS"] = str(args.fastokens_threads)
    batch_env = {**os.environ, "RAYON_NUM_THREADS": str(args.threads),
                 "FASTOKENS_BPE_THREADS": str(args.threads)}
    for _ in range(args.rounds):
        s = json.loads(subprocess.run(
            [sys.executable, __file__, "--mode", "single", *common], check=True,
            capture_output=True, text=True, env=single_env).stdout)
        o = [json.loads(l) for l in subprocess.run(
            [args.bench, "tokenizer-speed", "--input", args.corpus, "--megabytes", str(args.megabytes),
             "--threads", str(args.threads), "--repeats", str(args.repeats), "--encodings",
             args.encodings], check=True, capture_output=True, text=True).stdout.splitlines() if l.strip()]
        b = json.loads(subprocess.run(
            [sys.executable, __file__, "--mode", "batch", *common], check=True, capture_output=True,
            text=True, env=batch_env).stdout)
        for x in o:
            pair_ratios.setdefault(x["encoding"], []).extend(x.get("batch_pair_ratios", []))
        single = s if single is None else [best(x, y) for x, y in zip(single, s)]
        batch = b if batch is None else [best(x, y) for x, y in zip(batch, b)]
        ours = o if ours is None else [best(x, y) for x, y in zip(ours, o)]
    fthreads = args.fastokens_threads if args.fastokens_threads > 0 else "default"
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after: "
          f"{os.getloadavg()[0]:.2f}; best of {args.rounds} rounds x {args.repeats} repeats; "
          f"{single[0]['megabytes']:.1f} MB of {os.path.basename(args.corpus)}; "
          f"fastokens one-text threads: {fthreads}")
    print("One call, first call (fastokens' piece cache is cold; tiktoken has none; ours is bounded), wall:")
    print("| encoding | EmbeddingKit MB/s | tiktoken MB/s | fastokens MB/s | vs tiktoken | vs fastokens |")
    print("| --- | --- | --- | --- | --- | --- |")
    for s, o in zip(single, ours):
        print(f"| {s['encoding']} | {o['first_mb_per_s']:.1f} | {s['tiktoken_first_mb_per_s']:.1f} | "
              f"{s['fastokens_first_mb_per_s']:.1f} | "
              f"{o['first_mb_per_s'] / s['tiktoken_first_mb_per_s']:.2f}x | "
              f"{o['first_mb_per_s'] / s['fastokens_first_mb_per_s']:.2f}x |")
    print(f"One call, best of {args.repeats} on the same text (fastokens then has cached every piece); "
          "wall MB/s and CPU MB/s (ours: thread CPU; Python tools: process CPU):")
    print("| encoding | EmbeddingKit wall | CPU | tiktoken wall | CPU | fastokens wall | CPU "
          "| vs tiktoken (CPU) | vs fastokens (wall) | vs fastokens (CPU) | same tokens |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for s, o in zip(single, ours):
        same = o["tokens"] == s["tiktoken_tokens"] and s["fastokens_equal"]
        print(f"| {s['encoding']} | {o['mb_per_s']:.1f} | {o['cpu_mb_per_s']:.1f} | "
              f"{s['tiktoken_mb_per_s']:.1f} | {s['tiktoken_cpu_mb_per_s']:.1f} | "
              f"{s['fastokens_mb_per_s']:.1f} | {s['fastokens_cpu_mb_per_s']:.1f} | "
              f"{o['cpu_mb_per_s'] / s['tiktoken_cpu_mb_per_s']:.2f}x | "
              f"{o['mb_per_s'] / s['fastokens_mb_per_s']:.2f}x | "
              f"{o['cpu_mb_per_s'] / s['fastokens_cpu_mb_per_s']:.2f}x | {'yes' if same else 'NO'} |")
    if "split_mb_per_s" in ours[0]:
        print(f"One text split over {args.threads} threads (EmbeddingKit encodeOrdinary(_:threads:)), wall:")
        print("| encoding | EmbeddingKit 1 thr | EmbeddingKit split | speed-up | same tokens |")
        print("| --- | --- | --- | --- | --- |")
        for o in ours:
            print(f"| {o['encoding']} | {o['mb_per_s']:.1f} | {o['split_mb_per_s']:.1f} | "
                  f"{o['split_mb_per_s'] / o['mb_per_s']:.2f}x | "
                  f"{'yes' if o['split_tokens'] == o['tokens'] else 'NO'} |")
    print(f"Batch of ~{batch[0]['lines']:,} lines, wall MB/s; EmbeddingKit also on 1 thread (its speed-up: "
          "the ratio of the best times, and the median over back-to-back pairs of runs, which a VM "
          "whose speed drifts cannot skew):")
    print(f"| encoding | EmbeddingKit 1 thr | EmbeddingKit {args.threads} thr | speed-up (best) | "
          f"speed-up (median of pairs) | tiktoken {args.threads} thr | fastokens {args.threads} thr "
          "| same tokens |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for b, o in zip(batch, ours):
        one = o.get("batch1_mb_per_s", float("nan"))  # absent from embed-bench before this column
        ratios = sorted(pair_ratios.get(o["encoding"], []))
        paired = (f"{ratios[len(ratios) // 2]:.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f}, "
                  f"{len(ratios)} pairs)") if ratios else "n/a"
        print(f"| {b['encoding']} | {one:.1f} | {o['batch_mb_per_s']:.1f} | "
              f"{o['batch_mb_per_s'] / one:.2f}x | {paired} | "
              f"{b['tiktoken_batch_mb_per_s']:.1f} | {b['fastokens_batch_mb_per_s']:.1f} | "
              f"{'yes' if o['batch_tokens'] == b['batch_tokens'] else 'NO'} |")


if __name__ == "__main__":
    main()
