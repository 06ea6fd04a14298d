"""Anchor for the server load test: sentence-transformers behind a minimal FastAPI app with the same
/v1/embeddings request and response shape (floats only), served by uvicorn (one worker).

    HF_HUB_OFFLINE=1 python Benchmarks/st_server.py --model-dir DIR --port 8081
"""

import argparse
import os

import torch
import uvicorn
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sentence_transformers import SentenceTransformer


class Body(BaseModel):
    input: str | list[str]
    model: str
    encoding_format: str = "float"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", required=True)
    p.add_argument("--port", type=int, default=8081)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model = SentenceTransformer(args.model_dir, device="cpu")
    name = os.path.basename(os.path.normpath(args.model_dir))
    app = FastAPI()

    @app.post("/v1/embeddings")
    async def embeddings(body: Body):
        texts = [body.input] if isinstance(body.input, str) else body.input
        vectors = await run_in_threadpool(model.encode, texts, batch_size=32, normalize_embeddings=True)
        return {
            "object": "list",
            "data": [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)],
            "model": name,
            "usage": {"prompt_tokens": 0, "total_tokens": 0},
        }

    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
