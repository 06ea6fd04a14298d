#!/usr/bin/env python3
"""Reference for EmbeddingKit's InputEmbeddings module (issue 5), with tiktoken + numpy only.

  fixtures OUTDIR          write the parity fixtures the Swift tests read
                           (Tests/InputEmbeddingsTests/Fixtures):
                           - dataset.json: GPT-2 token IDs of the-verdict.txt (tiktoken) and the
                             batches of the book's GPTDatasetV1/create_dataloader_v1 (shuffle=False)
                             for several (max_length, stride, batch_size, drop_last) settings;
                           - model_*.npy: weights of a tiny next-token model and the numpy
                             reference forward output, loss and gradients (tied and untied).
  batches FILE ...         print the book's batches for a text as JSON (to diff with `embed inputs --json`).
  speed ...                time numpy's best gather/scatter for the input layer (used by
                           `embed-bench input-layer`, which runs the Swift side in the same run).

The book's data loader, without torch (chapter 2, GPTDatasetV1 + DataLoader(shuffle=False)):
    for i in range(0, len(token_ids) - max_length, stride):
        inputs.append(token_ids[i:i + max_length]); targets.append(token_ids[i + 1:i + max_length + 1])
batches are consecutive groups of batch_size windows; drop_last drops a short final group.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data"))


def gpt2_encoding():
    import tiktoken
    from tiktoken.load import data_gym_to_mergeable_bpe_ranks
    import tiktoken_ext.openai_public as op
    gpt2 = os.path.join(SHARED, "tokenizers", "gpt2")
    ranks = data_gym_to_mergeable_bpe_ranks(os.path.join(gpt2, "vocab.bpe"), os.path.join(gpt2, "encoder.json"))
    return tiktoken.Encoding("gpt2", pat_str=op.r50k_pat_str, mergeable_ranks=ranks,
                             special_tokens={"<|endoftext|>": 50256}, explicit_n_vocab=50257)


def gpt_dataset_v1(token_ids, max_length, stride):
    """GPTDatasetV1's input/target chunks."""
    inputs, targets = [], []
    for i in range(0, len(token_ids) - max_length, stride):
        inputs.append(token_ids[i:i + max_length])
        targets.append(token_ids[i + 1:i + max_length + 1])
    return inputs, targets


def batches(token_ids, max_length, stride, batch_size, drop_last):
    """DataLoader(dataset, batch_size, shuffle=False, drop_last) over GPTDatasetV1."""
    inputs, targets = gpt_dataset_v1(token_ids, max_length, stride)
    out = []
    for start in range(0, len(inputs), batch_size):
        if drop_last and start + batch_size > len(inputs):
            break
        out.append({"inputs": inputs[start:start + batch_size], "targets": targets[start:start + batch_size]})
    return out


def model_reference(wte, wpe, wout, ids, targets, tied):
    """float64 numpy forward + backward of token+position embedding -> x @ W.T -> mean CE."""
    wte64, wpe64 = wte.astype(np.float64), wpe.astype(np.float64)
    w = wte64 if tied else wout.astype(np.float64)
    B, T = ids.shape
    x = wte64[ids] + wpe64[:T][None, :, :]                      # (B,T,C)
    logits = x.reshape(B * T, -1) @ w.T                         # (N,V)
    m = logits.max(axis=1, keepdims=True)
    p = np.exp(logits - m)
    s = p.sum(axis=1, keepdims=True)
    logp = logits - m - np.log(s)
    t = targets.reshape(-1)
    n = B * T
    loss = -logp[np.arange(n), t].mean()
    dlogits = p / s
    dlogits[np.arange(n), t] -= 1
    dlogits /= n
    dx = dlogits @ w                                            # (N,C)
    dw = dlogits.T @ x.reshape(n, -1)                           # (V,C)
    dwte = np.zeros_like(wte64)
    np.add.at(dwte, ids.reshape(-1), dx)
    if tied:
        dwte += dw
    dwpe = np.zeros_like(wpe64)
    dwpe[:T] = dx.reshape(B, T, -1).sum(axis=0)
    return x, loss, dwte, dwpe, (None if tied else dw)


def check_by_finite_differences(wte, wpe, wout, ids, targets, tied, dwte):
    """Sanity check of the analytic reference itself (central differences in float64)."""
    base = wte.astype(np.float64)
    for (r, c) in [(int(ids[0, 0]), 0), (int(ids[-1, -1]), 3)]:
        e = 1e-6
        plus, minus = base.copy(), base.copy()
        plus[r, c] += e
        minus[r, c] -= e
        lp = model_reference(plus, wpe, wout, ids, targets, tied)[1]
        lm = model_reference(minus, wpe, wout, ids, targets, tied)[1]
        numeric = (lp - lm) / (2 * e)
        assert abs(numeric - dwte[r, c]) < 1e-6 * max(1, abs(numeric)), (numeric, dwte[r, c])


def write_fixtures(outdir):
    os.makedirs(outdir, exist_ok=True)
    enc = gpt2_encoding()
    with open(os.path.join(SHARED, "corpus", "the-verdict.txt"), encoding="utf-8") as f:
        text = f.read()
    ids = enc.encode(text, allowed_special={"<|endoftext|>"})
    cases = []
    # (prefix of the IDs used, max_length, stride, batch_size, drop_last)
    for prefix, max_length, stride, batch_size, drop_last in [
            (len(ids), 4, 4, 8, True), (len(ids), 256, 128, 4, True), (60, 4, 1, 8, True),
            (60, 4, 1, 8, False), (50, 6, 5, 3, False), (9, 8, 8, 1, True)]:
        sub = ids[:prefix]
        cases.append({"prefix": prefix, "max_length": max_length, "stride": stride,
                      "batch_size": batch_size, "drop_last": drop_last,
                      "windows": len(gpt_dataset_v1(sub, max_length, stride)[0]),
                      "batches": batches(sub, max_length, stride, batch_size, drop_last)})
    # Big cases are summarised by their first and last batch to keep the fixture small.
    for case in cases:
        b = case["batches"]
        case["batch_count"] = len(b)
        if len(b) > 4:
            case["batches"] = {"first": b[0], "last": b[-1]}
    with open(os.path.join(outdir, "dataset.json"), "w") as f:
        json.dump({"source": "the-verdict.txt, GPT-2 encoding (tiktoken)", "ids": ids, "cases": cases}, f)

    rng = np.random.default_rng(20240611)
    V, maxT, C, B, T = 37, 6, 12, 3, 5                          # C=12 exercises SIMD tails
    wte = rng.normal(0, 0.5, (V, C)).astype(np.float32)
    wpe = rng.normal(0, 0.5, (maxT, C)).astype(np.float32)
    wout = rng.normal(0, 0.5, (V, C)).astype(np.float32)
    ids_m = rng.integers(0, V, (B, T)).astype(np.int32)
    ids_m[0, 0] = ids_m[2, 4]                                   # a repeated ID: scatter must add
    tgt_m = rng.integers(0, V, (B, T)).astype(np.int32)
    np.save(os.path.join(outdir, "model_wte.npy"), wte)
    np.save(os.path.join(outdir, "model_wpe.npy"), wpe)
    np.save(os.path.join(outdir, "model_wout.npy"), wout)
    np.save(os.path.join(outdir, "model_ids.npy"), ids_m.astype(np.float32))
    np.save(os.path.join(outdir, "model_targets.npy"), tgt_m.astype(np.float32))
    for tied in (False, True):
        x, loss, dwte, dwpe, dw = model_reference(wte, wpe, wout, ids_m, tgt_m, tied)
        check_by_finite_differences(wte, wpe, wout, ids_m, tgt_m, tied, dwte)
        tag = "tied" if tied else "untied"
        np.save(os.path.join(outdir, f"model_{tag}_x.npy"), x.reshape(B * T, C).astype(np.float32))
        np.save(os.path.join(outdir, f"model_{tag}_loss.npy"), np.array([loss], dtype=np.float32))
        np.save(os.path.join(outdir, f"model_{tag}_dwte.npy"), dwte.astype(np.float32))
        np.save(os.path.join(outdir, f"model_{tag}_dwpe.npy"), dwpe.astype(np.float32))
        if dw is not None:
            np.save(os.path.join(outdir, f"model_{tag}_dwout.npy"), dw.astype(np.float32))
    print(f"wrote fixtures to {outdir}: {len(ids)} ids, {len(cases)} loader cases, model V={V} C={C}")


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def speed(args):
    """numpy forward + backward of the input layer; prints one JSON object."""
    V, C, B, T = args.vocab, args.dim, args.batch, args.context
    ids = np.fromfile(args.ids, dtype=np.int32).reshape(B, T) if args.ids else \
        np.random.default_rng(1).integers(0, V, (B, T)).astype(np.int32)
    rng = np.random.default_rng(0)
    wte = rng.standard_normal((V, C), dtype=np.float32)
    wpe = rng.standard_normal((T, C), dtype=np.float32)
    dout = rng.standard_normal((B, T, C), dtype=np.float32)
    out = np.empty((B, T, C), dtype=np.float32)
    dwte = np.zeros((V, C), dtype=np.float32)
    dwpe = np.zeros((T, C), dtype=np.float32)
    flat = ids.reshape(-1)
    dflat = dout.reshape(B * T, C)

    def forward():
        np.take(wte, ids, axis=0, out=out)
        out[...] += wpe                                         # broadcast over the batch

    def backward_add_at():
        dwte[np.unique(flat)] = 0                               # zero only the rows used
        np.add.at(dwte, flat, dflat)
        dwpe[:] = dout.sum(axis=0)

    def backward_sorted_reduceat():
        order = np.argsort(flat, kind="stable")
        s = flat[order]
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        rows = s[starts]
        dwte[rows] = np.add.reduceat(dflat[order], starts, axis=0)   # assigns: also zeroes
        dwpe[:] = dout.sum(axis=0)

    variants = {"np.add.at": backward_add_at, "argsort + np.add.reduceat": backward_sorted_reduceat}
    try:
        import scipy.sparse as sp

        def backward_sparse_matmul():
            uniq, inverse = np.unique(flat, return_inverse=True)
            onehot = sp.csr_matrix((np.ones(flat.size, dtype=np.float32), (inverse, np.arange(flat.size))),
                                   shape=(uniq.size, flat.size))
            dwte[uniq] = onehot @ dflat
            dwpe[:] = dout.sum(axis=0)
        variants["scipy.sparse one-hot @ dout"] = backward_sparse_matmul
    except ImportError:
        pass

    results = {}
    for name, backward in variants.items():
        forward(); backward()                                   # warm-up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            forward()
            backward()
            times.append(time.perf_counter() - t0)
        best = min(times)
        results[name] = {"seconds": best, "median_seconds": float(np.median(times)),
                         "tokens_per_second": B * T / best}
    # Correctness guard: every variant gives the same gradient.
    ref = np.zeros((V, C), dtype=np.float32)
    np.add.at(ref, flat, dflat)
    backward_sorted_reduceat()
    assert np.allclose(dwte[np.unique(flat)], ref[np.unique(flat)], atol=1e-4)
    best_name = min(results, key=lambda k: results[k]["seconds"])
    print(json.dumps({"variants": results, "best": best_name, "peak_rss_bytes": peak_rss_bytes(),
                      "numpy": np.__version__, "checksum_out": float(out[0, 0, :8].sum())}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fixtures")
    f.add_argument("outdir")
    b = sub.add_parser("batches")
    b.add_argument("file")
    b.add_argument("--max-length", type=int, default=4)
    b.add_argument("--stride", type=int, default=4)
    b.add_argument("--batch", type=int, default=8)
    b.add_argument("--keep-last", action="store_true")
    b.add_argument("--first", type=int, default=1, help="print only the first N batches (0 = all)")
    s = sub.add_parser("speed")
    s.add_argument("--vocab", type=int, default=50257)
    s.add_argument("--dim", type=int, default=768)
    s.add_argument("--batch", type=int, default=8)
    s.add_argument("--context", type=int, default=1024)
    s.add_argument("--repeats", type=int, default=10)
    s.add_argument("--ids", help="int32 file of batch*context token IDs (default: seeded uniform)")
    args = ap.parse_args()
    if args.cmd == "fixtures":
        write_fixtures(args.outdir)
    elif args.cmd == "batches":
        with open(args.file, encoding="utf-8") as fh:
            ids = gpt2_encoding().encode(fh.read(), allowed_special={"<|endoftext|>"})
        out = batches(ids, args.max_length, args.stride, args.batch, not args.keep_last)
        print(json.dumps(out[:args.first] if args.first > 0 else out))
    else:
        speed(args)


if __name__ == "__main__":
    sys.exit(main())
