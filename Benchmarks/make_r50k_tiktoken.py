"""Converts GPT-2's encoder.json + vocab.bpe to r50k_base.tiktoken.gz (as shipped in
Sources/Tokenization/Resources) and checks tiktoken's expected sha256.

Usage: python Benchmarks/make_r50k_tiktoken.py [../shared/data/tokenizers/gpt2] [out.tiktoken.gz]
"""
import base64, gzip, hashlib, sys
from tiktoken.load import data_gym_to_mergeable_bpe_ranks

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/tokenizers/gpt2"
out = sys.argv[2] if len(sys.argv) > 2 else "Sources/Tokenization/Resources/r50k_base.tiktoken.gz"
ranks = data_gym_to_mergeable_bpe_ranks(f"{src}/vocab.bpe", f"{src}/encoder.json")
text = b"".join(base64.b64encode(t) + b" " + str(r).encode() + b"\n"
                for t, r in sorted(ranks.items(), key=lambda x: x[1]))
digest = hashlib.sha256(text).hexdigest()
assert digest == "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930", digest
with open(out, "wb") as f:
    f.write(gzip.compress(text, 9, mtime=0))
print(f"wrote {out} ({len(ranks)} ranks, sha256 of the text {digest})")
