"""BPE training time: `embed train-bpe` vs Hugging Face `tokenizers` BpeTrainer, same run,
same 10 MB of the corpus, 8,192 tokens, GPT-2 pre-tokenizer (byte-level).

Also checks that Python's tiktoken loads our .tiktoken file, that it encodes the training
text identically to our own encoder, and compares how many tokens each learned vocabulary needs
for the training text (compression).

Usage: python Benchmarks/bpe_training.py [--megabytes 10] [--vocab-size 8192]
"""
import argparse, lzma, os, subprocess, sys, tempfile, time
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def hf_train(path, vocab_size, threads):
    """Hugging Face tokenizers in a child process, so RAYON_NUM_THREADS applies."""
    code = f"""
import time
from tokenizers import Tokenizer, models, pre_tokenizers, trainers, decoders
tok = Tokenizer(models.BPE())
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
tok.decoder = decoders.ByteLevel()
trainer = trainers.BpeTrainer(vocab_size={vocab_size}, min_frequency=2, show_progress=False,
                              initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
t0 = time.perf_counter()
tok.train([{path!r}], trainer)
dt = time.perf_counter() - t0
text = open({path!r}, encoding="utf-8").read()
n = sum(len(e.ids) for e in tok.encode_batch(text.split("\\n")))
print(dt, tok.get_vocab_size(), n)
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={**os.environ, "RAYON_NUM_THREADS": str(threads)}).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/data/corpus/en-raw.txt.xz"))
    ap.add_argument("--megabytes", type=float, default=10)
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--embed", default=os.path.join(ROOT, ".build/release/embed"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "train.txt")
    with lzma.open(args.corpus, "rb") as f:
        data = f.read(int(args.megabytes * 1e6)); data += f.readline()
    with open(path, "wb") as f:
        f.write(data)
    load = os.getloadavg()
    out = os.path.join(tmp, "ours.tiktoken")
    t0 = time.perf_counter()
    subprocess.run([args.embed, "train-bpe", path, "--vocab-size", str(args.vocab_size),
                    "--pattern", "gpt2", "-o", out, "--quiet"], check=True, capture_output=True)
    ours = time.perf_counter() - t0
    hf1 = hf_train(path, args.vocab_size, 1)
    hf2 = hf_train(path, args.vocab_size, 2)

    import tiktoken
    from tiktoken.load import load_tiktoken_bpe
    import tiktoken_ext.openai_public as op
    ranks = load_tiktoken_bpe(out)
    enc = tiktoken.Encoding("ours", pat_str=op.r50k_pat_str, mergeable_ranks=ranks, special_tokens={})
    text = data.decode("utf-8")
    ids = enc.encode_ordinary(text)
    assert enc.decode(ids) == text
    swift_ids = subprocess.run([args.embed, "tokenize", "--vocab", out, "--pattern", "gpt2", "-f", path],
                               check=True, capture_output=True, text=True).stdout.split()
    same = [int(x) for x in swift_ids] == ids
    print(f"load average before: {load[0]:.2f}; {len(data) / 1e6:.1f} MB, {args.vocab_size} tokens, gpt2 pattern")
    print("| trainer | seconds | vs EmbeddingKit | tokens learned | tokens for the training text |")
    print("| --- | --- | --- | --- | --- |")
    print(f"| EmbeddingKit `embed train-bpe` (1 thread) | {ours:.1f} | 1.00x | {len(ranks)} | {len(ids):,} |")
    print(f"| HF tokenizers BpeTrainer, 1 thread | {hf1[0]:.1f} | {hf1[0] / ours:.2f}x | {hf1[1]} | {hf1[2]:,} |")
    print(f"| HF tokenizers BpeTrainer, 2 threads | {hf2[0]:.1f} | {hf2[0] / ours:.2f}x | {hf2[1]} | {hf2[2]:,} |")
    print(f"tiktoken reads our file: yes ({len(ranks)} ranks); tiktoken IDs == embed tokenize IDs: {same}")
    print("(our time includes process start, reading the file and writing the .tiktoken; HF's is train() only)")


if __name__ == "__main__":
    main()
