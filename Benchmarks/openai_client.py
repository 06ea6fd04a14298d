"""A real client against embed-server: the official `openai` package (pip install openai).

    .build/release/embed-server --model DIR --port 8080 --api-key secret &
    python Benchmarks/openai_client.py --port 8080 --api-key secret --model all-MiniLM-L6-v2 \
        --reference-cmd ".build/release/embed encode --model DIR --format npy -o {out} {texts}"

Calls `client.embeddings.create` with a string, a list, the client's default (base64 on the wire,
decoded by the client), `encoding_format="base64"` decoded here as little-endian float32, and
`dimensions`, and checks the vectors against the reference command's (max |difference| <= 1e-6),
the usage counts, and that a wrong key and an unknown model raise openai's typed errors.

With --langchain, also LangChain's `OpenAIEmbeddings` (pip install langchain-openai) both ways it
talks to a server: `check_embedding_ctx_length=True` (its default: it tokenizes with tiktoken's
cl100k_base and sends token-ID arrays) and `False` (it sends the strings). tiktoken cannot download
cl100k_base offline, so the script fills a TIKTOKEN_CACHE_DIR from the copy the package ships
(Sources/Tokenization/Resources/cl100k_base.tiktoken.gz).
"""

import argparse
import base64
import gzip
import hashlib
import importlib.metadata
import json
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np
import openai

TEXTS = [
    "A man with a hard hat is dancing.",
    "The quick brown fox jumps over the lazy dog.",
    "Embeddings turn text into vectors that machines compare.",
    "Ünïcödé, emoji 🙂 and CJK 漢字 survive the trip.",
]


def reference(cmd, texts):
    """Vectors of `texts` from the reference command (one text per line in {texts}, .npy at {out})."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "texts.txt")
        out = os.path.join(d, "out.npy")
        with open(src, "w", encoding="utf-8") as f:
            f.write("\n".join(texts) + "\n")
        subprocess.run(shlex.split(cmd.format(texts=src, out=out)), check=True, stdout=subprocess.DEVNULL)
        return np.load(out).astype(np.float32)


def offline_tiktoken():
    """Points tiktoken at the package's cl100k_base copy (tiktoken caches by the sha1 of the URL)."""
    if os.environ.get("TIKTOKEN_CACHE_DIR"):
        return
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    cache = tempfile.mkdtemp(prefix="tiktoken-")
    src = os.path.join(os.path.dirname(__file__), "..", "Sources/Tokenization/Resources/cl100k_base.tiktoken.gz")
    with gzip.open(src) as f, open(os.path.join(cache, hashlib.sha1(url.encode()).hexdigest()), "wb") as out:
        out.write(f.read())
    os.environ["TIKTOKEN_CACHE_DIR"] = cache


def langchain_checks(args, floats, check):
    """LangChain's OpenAIEmbeddings against the server, token arrays and strings."""
    offline_tiktoken()
    import httpx
    import langchain_openai

    for ctx in (True, False):
        sent = set()  # what LangChain put in "input": the wire check that token arrays are really sent

        def record(request):
            first = json.loads(request.content)["input"][0]
            sent.add("token-ID arrays" if isinstance(first, list) else type(first).__name__)

        emb = langchain_openai.OpenAIEmbeddings(
            model=args.model, base_url=f"http://127.0.0.1:{args.port}/v1", api_key=args.api_key,
            check_embedding_ctx_length=ctx, tiktoken_model_name="text-embedding-3-small",
            http_client=httpx.Client(event_hooks={"request": [record]}))
        docs = np.array(emb.embed_documents(TEXTS), dtype=np.float32)
        query = np.array(emb.embed_query(TEXTS[1]), dtype=np.float32)
        diff = max(float(np.abs(docs - floats).max()), float(np.abs(query - floats[1]).max()))
        how = "token-ID arrays" if ctx else "str"
        check(f"langchain OpenAIEmbeddings check_embedding_ctx_length={ctx} (sent {sorted(sent)})",
              docs.shape == floats.shape and diff <= args.tolerance and sent == {how},
              f"(langchain-openai {importlib.metadata.version('langchain-openai')}) max |diff| vs float response {diff:.2e}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--api-key", default="none")
    p.add_argument("--model", default="all-MiniLM-L6-v2")
    p.add_argument("--reference-cmd", help="command writing reference vectors; {texts} and {out} are filled in")
    p.add_argument("--tolerance", type=float, default=1e-6)
    p.add_argument("--langchain", action="store_true", help="also check langchain_openai.OpenAIEmbeddings")
    args = p.parse_args()
    print(f"openai {openai.__version__}")
    client = openai.OpenAI(base_url=f"http://127.0.0.1:{args.port}/v1", api_key=args.api_key)
    checks = []

    def check(name, ok, detail=""):
        checks.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name} {detail}")

    one = client.embeddings.create(model=args.model, input=TEXTS[0], encoding_format="float")
    check("string", len(one.data) == 1 and one.data[0].index == 0 and one.usage.prompt_tokens > 0,
          f"dim={len(one.data[0].embedding)} prompt_tokens={one.usage.prompt_tokens}")
    many = client.embeddings.create(model=args.model, input=TEXTS, encoding_format="float")
    floats = np.array([d.embedding for d in many.data], dtype=np.float32)
    check("list", [d.index for d in many.data] == list(range(len(TEXTS))) and many.model == args.model,
          f"shape={floats.shape} usage={many.usage.prompt_tokens}/{many.usage.total_tokens}")
    default = client.embeddings.create(model=args.model, input=TEXTS)  # base64 on the wire, decoded by openai
    via_default = np.array([d.embedding for d in default.data], dtype=np.float32)
    check("client default (base64 wire)", np.array_equal(via_default, floats))
    raw = client.embeddings.create(model=args.model, input=TEXTS, encoding_format="base64")
    decoded = np.stack([np.frombuffer(base64.b64decode(d.embedding), dtype="<f4") for d in raw.data])
    check("encoding_format=base64", np.array_equal(decoded, floats))
    short = client.embeddings.create(model=args.model, input=TEXTS, dimensions=128, encoding_format="float")
    s = np.array([d.embedding for d in short.data], dtype=np.float32)
    expected = floats[:, :128] / np.linalg.norm(floats[:, :128], axis=1, keepdims=True)
    check("dimensions=128", s.shape == (len(TEXTS), 128) and np.abs(s - expected).max() <= 1e-6,
          f"max diff vs truncated+renormalised {np.abs(s - expected).max():.2e}")
    if args.reference_cmd:
        ref = reference(args.reference_cmd, TEXTS)
        diff = float(np.abs(ref - floats).max())
        check("equals reference", ref.shape == floats.shape and diff <= args.tolerance, f"max |diff| {diff:.2e}")
    try:
        openai.OpenAI(base_url=f"http://127.0.0.1:{args.port}/v1", api_key="wrong").embeddings.create(
            model=args.model, input="x")
        check("wrong key -> AuthenticationError", args.api_key == "none")
    except openai.AuthenticationError as e:
        check("wrong key -> AuthenticationError", e.status_code == 401, e.body.get("message", "") if isinstance(e.body, dict) else "")
    try:
        client.embeddings.create(model="no-such-model", input="x")
        check("unknown model -> NotFoundError", False)
    except openai.NotFoundError as e:
        check("unknown model -> NotFoundError", e.status_code == 404)
    try:
        client.embeddings.create(model=args.model, input=[])
        check("empty list -> BadRequestError", False)
    except openai.BadRequestError as e:
        check("empty list -> BadRequestError", e.status_code == 400)
    if args.langchain:
        langchain_checks(args, floats, check)
    models = [m.id for m in client.models.list()]
    check("models.list", models == [args.model], json.dumps(models))
    print(f"{sum(checks)} passed, {len(checks) - sum(checks)} failed")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
