#!/usr/bin/env python3
"""MatrixMultiply (embed-bench gemm) beside numpy (OpenBLAS) and torch on the MiniLM shapes, one thread.

Usage (numpy must run with the OpenBLAS overrides unset, see the env note; the script prints the
kernel threadpoolctl reports):
  swift build -c release --product embed-bench
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $VENV/bin/python Benchmarks/gemm_bench.py \
      --bench .build/release/embed-bench [--rows 256,2048] [--backends default,swift] [--rounds 2]

Every tool is timed the same way (best of --repeat timings of ~0.2 s each), in --rounds alternating
rounds, and the best per tool is kept. Rates count 2·m·n·k operations (int8 too). "gelu" shapes include
the bias and exact GELU in every tool (numpy: scipy.special.erf; torch: F.gelu).
"""
import argparse
import json
import os
import subprocess
import time

import numpy as np
import scipy.special
import torch
from threadpoolctl import threadpool_info, threadpool_limits

LAYERS = [(384, 384, False), (384, 1536, True), (1536, 384, False)]


def best_time(fn, repeat):
    """(best wall, best process CPU) seconds per call."""
    fn()
    t = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t, 1e-7)
    calls = max(1, int(0.2 / once))
    wall = cpu = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        c = time.process_time()
        for _ in range(calls):
            fn()
        wall = min(wall, (time.perf_counter() - t) / calls)
        cpu = min(cpu, (time.process_time() - c) / calls)
    return wall, cpu


def python_rows(ms, seqs, repeat):
    """{(tool, kind, shape): seconds} for numpy and torch."""
    out = {}
    rng = np.random.default_rng(1)
    for m in ms:
        for k, n, gelu in LAYERS:
            shape = f"m={m} k={k} n={n}{' gelu' if gelu else ''}"
            x = (rng.random((m, k), dtype=np.float32) - 0.5)
            w = ((rng.random((n, k), dtype=np.float32) - 0.5) * 0.1)
            b = rng.random(n, dtype=np.float32) - 0.5
            wt = np.ascontiguousarray(w.T)
            y = np.empty((m, n), dtype=np.float32)

            def np_linear():
                np.matmul(x, wt, out=y)
                np.add(y, b, out=y)
                if gelu:
                    np.multiply(0.5 * y, 1 + scipy.special.erf(y * np.float32(0.7071067811865476)), out=y)

            out[("numpy", "float32", shape)] = best_time(np_linear, repeat)
            tx, tw, tb = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b)
            with torch.inference_mode():
                def torch_linear():
                    r = torch.nn.functional.linear(tx, tw, tb)
                    if gelu:
                        r = torch.nn.functional.gelu(r)
                    return r

                out[("torch", "float32", shape)] = best_time(torch_linear, repeat)
                lin = torch.nn.Linear(k, n)
                lin.weight.data.copy_(tw)
                lin.bias.data.copy_(tb)
                q = torch.ao.quantization.quantize_dynamic(
                    torch.nn.Sequential(lin), {torch.nn.Linear}, dtype=torch.qint8)

                def torch_int8():
                    r = q(tx)
                    if gelu:
                        r = torch.nn.functional.gelu(r)
                    return r

                out[("torch", "int8", shape)] = best_time(torch_int8, repeat)
    for s in seqs:
        q = rng.random((s, 384), dtype=np.float32) - 0.5
        head = q[:, :32]
        scores = np.empty((s, s), dtype=np.float32)
        ctx = np.empty((s, 32), dtype=np.float32)

        def qk():
            np.matmul(head, head.T, out=scores)
            np.multiply(scores, np.float32(0.1767767), out=scores)

        out[("numpy", "attention", f"QK^T m=n={s} k=32")] = best_time(qk, repeat)
        out[("numpy", "attention", f"PV m={s} k={s} n=32")] = best_time(
            lambda: np.matmul(scores, head, out=ctx), repeat)
        th, ts = torch.from_numpy(head), torch.from_numpy(scores)
        with torch.inference_mode():
            out[("torch", "attention", f"QK^T m=n={s} k=32")] = best_time(
                lambda: torch.matmul(th, th.T) * 0.1767767, repeat)
            out[("torch", "attention", f"PV m={s} k={s} n=32")] = best_time(
                lambda: torch.matmul(ts, th), repeat)
    return out


def swift_rows(bench, backend, ms, seqs, repeat):
    env = dict(os.environ)
    if backend != "default":
        env["EMBEDDINGKIT_KERNELS"] = backend
    cmd = [bench, "gemm", "--json", "--rows", ",".join(map(str, ms)), "--sequences",
           ",".join(map(str, seqs)), "--threads", "1", "--repeat", str(repeat)]
    res = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    out, name = {}, backend
    for line in res.stdout.splitlines():
        row = json.loads(line)
        name = row["backend"]
        out[(f"ours ({name})", row["kind"], row["shape"])] = (row["seconds"], row["cpu_seconds"])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/release/embed-bench")
    ap.add_argument("--rows", default="256,2048")
    ap.add_argument("--sequences", default="64,256")
    ap.add_argument("--backends", default="default,swift")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ms = [int(v) for v in args.rows.split(",")]
    seqs = [int(v) for v in args.sequences.split(",")]
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        for info in threadpool_info():
            print(f"# {info.get('internal_api')} {info.get('version')} "
                  f"kernel={info.get('architecture')} threads={info.get('num_threads')}")
        print(f"# torch {torch.__version__} threads={torch.get_num_threads()} "
              f"quantized engine={torch.backends.quantized.engine}")
        print(f"# OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')} "
              f"load average {os.getloadavg()}")
        best = {}
        for _ in range(args.rounds):
            rows = {}
            for backend in args.backends.split(","):
                rows.update(swift_rows(args.bench, backend, ms, seqs, args.repeat))
            rows.update(python_rows(ms, seqs, args.repeat))
            for key, (wall, cpu) in rows.items():
                old = best.get(key, (float("inf"), float("inf")))
                best[key] = (min(old[0], wall), min(old[1], cpu))
    tools = sorted({t for t, _, _ in best}, key=lambda t: (not t.startswith("ours"), t))
    shapes = []
    for _, kind, shape in best:
        if (kind, shape) not in shapes:
            shapes.append((kind, shape))
    for label, which in (("per CPU-second (process CPU time)", 1), ("wall clock", 0)):
        print(f"\nGFLOP/s {label}, one thread:\n")
        print("| kind | shape | " + " | ".join(tools) + " |")
        print("|---|---|" + "---:|" * len(tools))
        for kind, shape in shapes:
            m, n, k = parse(shape)
            cells = []
            for t in tools:
                sec = best.get((t, kind, shape))
                cells.append("" if sec is None else f"{2 * m * n * k / sec[which] / 1e9:.1f}")
            print(f"| {kind} | {shape} | " + " | ".join(cells) + " |")
    print(f"\n# load average after: {os.getloadavg()}")


def parse(shape):
    vals = {}
    for part in shape.split():
        if "=" in part:
            *keys, value = part.split("=")
            for key in keys:
                vals[key] = int(value)
    return vals["m"], vals["n"], vals["k"]


if __name__ == "__main__":
    main()
