"""Parity of EmbeddingKit's BPE encoders with tiktoken.

Writes the texts to a records file (u32 length + bytes each), runs
`embed-bench tokenizer-ids` on it for each encoding, and compares the IDs with tiktoken's
(`Encoding._encode_bytes`, which is `encode_ordinary` for valid UTF-8 and tiktoken's own rule
for invalid bytes). Prints the number of records, tokens and mismatches per encoding.

Usage:
  python Benchmarks/tokenizer_parity.py [--corpus ../shared/data/corpus/en-raw.txt.xz]
      [--lines-per-record 200] [--max-bytes N] [--adversarial-only] [--bench PATH]
"""
import argparse, lzma, os, struct, subprocess, sys, tempfile, time
import numpy as np
import tiktoken
from tiktoken.load import data_gym_to_mergeable_bpe_ranks, load_tiktoken_bpe
import tiktoken_ext.openai_public as op

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, HERE)
from adversarial_texts import adversarial_texts  # noqa: E402


CL100K_PAT = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
O200K_PAT = "|".join([
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
    r"""\p{N}{1,3}""",
    r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
    r"""\s*[\r\n]+""",
    r"""\s+(?!\S)""",
    r"""\s+""",
])


def load_encodings(tokenizers_dir):
    """The three encodings from local files (no network), exactly as tiktoken 0.14 defines
    them (patterns and special tokens as in tiktoken_ext/openai_public.py)."""
    import gzip, shutil
    gpt2_ranks = data_gym_to_mergeable_bpe_ranks(
        f"{tokenizers_dir}/gpt2/vocab.bpe", f"{tokenizers_dir}/gpt2/encoder.json")
    encodings = {"gpt2": tiktoken.Encoding(
        "gpt2", pat_str=op.r50k_pat_str, mergeable_ranks=gpt2_ranks,
        special_tokens={"<|endoftext|>": 50256}, explicit_n_vocab=50257)}
    tmp = tempfile.mkdtemp()
    specs = {
        "cl100k_base": (CL100K_PAT, {"<|endoftext|>": 100257, "<|fim_prefix|>": 100258,
                                     "<|fim_middle|>": 100259, "<|fim_suffix|>": 100260,
                                     "<|endofprompt|>": 100276}),
        "o200k_base": (O200K_PAT, {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}),
    }
    for name, (pat, special) in specs.items():
        plain = os.path.join(tmp, f"{name}.tiktoken")
        with gzip.open(f"{tokenizers_dir}/{name}.tiktoken.gz") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        encodings[name] = tiktoken.Encoding(name, pat_str=pat, mergeable_ranks=load_tiktoken_bpe(plain),
                                            special_tokens=special)
    return encodings


def write_records(texts, path):
    with open(path, "wb") as f:
        for t in texts:
            f.write(struct.pack("<I", len(t)))
            f.write(t)


def read_ids(path):
    data = np.fromfile(path, dtype="<u4")
    out, i = [], 0
    while i < len(data):
        n = int(data[i]); out.append(data[i + 1:i + 1 + n].tolist()); i += 1 + n
    return out


def corpus_records(path, lines_per_record, max_bytes):
    records, lines, total = [], [], 0
    with lzma.open(path, "rb") if path.endswith(".xz") else open(path, "rb") as f:
        for line in f:
            lines.append(line)
            total += len(line)
            if len(lines) == lines_per_record:
                records.append(b"".join(lines)); lines = []
            if max_bytes and total >= max_bytes:
                break
    if lines:
        records.append(b"".join(lines))
    return records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/data/corpus/en-raw.txt.xz"))
    ap.add_argument("--tokenizers", default=os.path.join(ROOT, "../shared/data/tokenizers"))
    ap.add_argument("--lines-per-record", type=int, default=200)
    ap.add_argument("--max-bytes", type=int, default=0, help="stop after this many corpus bytes")
    ap.add_argument("--adversarial-only", action="store_true")
    ap.add_argument("--encodings", default="gpt2,cl100k_base,o200k_base")
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build/release/embed-bench"))
    args = ap.parse_args()

    encodings = load_encodings(args.tokenizers)
    sets = {"adversarial": adversarial_texts()}
    if not args.adversarial_only:
        sets["corpus"] = corpus_records(args.corpus, args.lines_per_record, args.max_bytes)
    tmp = tempfile.mkdtemp()
    failures = 0
    for set_name, texts in sets.items():
        rec = os.path.join(tmp, f"{set_name}.records")
        write_records(texts, rec)
        print(f"{set_name}: {len(texts)} records, {sum(map(len, texts)):,} bytes")
        for name in args.encodings.split(","):
            enc = encodings[name]
            out = os.path.join(tmp, f"{set_name}.{name}.ids")
            subprocess.run([args.bench, "tokenizer-ids", "--encoding", name, "--input", rec,
                            "--output", out], check=True)
            ours = read_ids(out)
            t0 = time.time()
            theirs = [enc._encode_bytes(t) for t in texts]
            mismatches = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
            if len(ours) != len(theirs):
                mismatches.append(-1)
            tokens = sum(map(len, theirs))
            print(f"  {name:12s} {tokens:>12,} tokens  mismatched records: {len(mismatches)}"
                  f"  (tiktoken {time.time() - t0:.1f} s)")
            for i in mismatches[:5]:
                if i < 0:
                    print("    record count differs"); continue
                a, b = ours[i], theirs[i]
                k = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]), min(len(a), len(b)))
                print(f"    record {i}: first difference at token {k}: text {texts[i][:80]!r}")
                print(f"      ours     {[enc.decode_single_token_bytes(t) for t in a[max(0,k-3):k+5]]}")
                print(f"      tiktoken {[enc.decode_single_token_bytes(t) for t in b[max(0,k-3):k+5]]}")
            failures += len(mismatches)
    print("TOTAL mismatched records:", failures)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
