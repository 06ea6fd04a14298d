"""Writes tiny random BERT models in sentence-transformers layout, with reference outputs, under
Tests/SentenceEmbeddingsTests/Fixtures/<variant>/. `swift test --filter SentenceEmbeddingsTests`
compares EmbeddingKit's encoder with them (1e-5).

Each variant folder holds what sentence-transformers saves (config.json, model.safetensors,
vocab.txt, tokenizer.json, tokenizer_config.json, modules.json, sentence_bert_config.json,
1_Pooling/config.json, config_sentence_transformers.json) and reference.json:
  {"inputs": [...], "ids": [[...]], "truncated": [bool], "embeddings": [[...]],
   "queryEmbeddings": [[...]] (with the "query" prompt, when the variant has prompts)}

Variants:
  mean      2 layers, hidden 32, 4 heads, FFN 128, mean pooling + Normalize, float32, files as
            sentence-transformers 2.x wrote them: max_seq_length 16 in sentence_bert_config.json while
            tokenizer_config.json says 512 (sentence-transformers' value wins); also quantised outputs
  cls       3 layers, hidden 32, 4 heads, FFN 48, CLS pooling, no Normalize, query/passage prompts,
            files as sentence-transformers 6 writes them (max_seq_length in tokenizer_config.json)
  max       2 layers, max pooling + Normalize, tensor names prefixed with "bert." (BertForMaskedLM-style)
  f16       the `mean` model saved in float16 (references computed from the float16 weights)
  bf16      the `mean` model saved in bfloat16

Usage: /work/.venv-bench/bin/python Benchmarks/make_bert_fixture.py
"""
import json, os, shutil, sys, tempfile

sys.dont_write_bytecode = True
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from sentence_transformers import SentenceTransformer, models  # noqa: E402
from sentence_transformers.util import quantize_embeddings  # noqa: E402
from transformers import BertConfig, BertModel, BertTokenizerFast  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "../Tests/SentenceEmbeddingsTests/Fixtures")

WORDS = """the a an of to and in is was for on that with as it by at from this be are or his her
river bank money water cat dog sat mat house city run running ran quick brown fox jump lazy
over under good bad new old one two three year day time people world music science search
query passage model text word vector sentence embed house tree green blue red small large
caf naive resume hello world test data""".split()
PIECES = "##s ##ed ##ing ##ly ##er ##est ##e ##é ##a ##o ##n ##t ##i".split()
CHARS = list("abcdefghijklmnopqrstuvwxyz0123456789.,!?;:'\"()-/") + ["中", "文", "é"]

INPUTS = [
    "The cat sat on the mat.",
    "A river bank, and a bank for money!",
    "hello world",
    "",
    "Running quickly over the lazy dog's house in the old city, the quick brown fox jumps; "
    "the people of the world search for good music and science every day.",
    "Café naïve résumé — ÀCCÉNTS",
    "中文 text with 中 characters",
    "zzzz qqqq xylophone unknownword",
    "   leading and trailing   ",
    "Numbers 123 and 4567, punctuation?!",
    "a",
]


def vocabulary():
    seen, out = set(), []
    for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS + PIECES + CHARS + \
            ["##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def make_hf(folder, seed, layers, intermediate, vocab_file, prefix_bert=False):
    torch.manual_seed(seed)
    vocab_size = sum(1 for _ in open(vocab_file))
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=layers,
                        num_attention_heads=4, intermediate_size=intermediate,
                        max_position_embeddings=64, type_vocab_size=2, hidden_act="gelu",
                        initializer_range=0.5, layer_norm_eps=1e-12)
    model = BertModel(config, add_pooling_layer=False)
    with torch.no_grad():  # random LayerNorm affine and biases, so every parameter matters
        for name, p in model.named_parameters():
            if "LayerNorm" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
    model.save_pretrained(folder, safe_serialization=True)
    tok = BertTokenizerFast(vocab=vocab_file, do_lower_case=True, model_max_length=512)
    assert len(tok.get_vocab()) == vocab_size, "the tokenizer did not take the vocabulary"
    tok.save_pretrained(folder)
    shutil.copy(vocab_file, os.path.join(folder, "vocab.txt"))


def build(name, layers, intermediate, pooling, normalize, seq, seed, dtype=None, prefix_bert=False,
          prompts=None, old_layout=False):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        vocab_file = os.path.join(tmp, "vocab.txt")
        with open(vocab_file, "w") as f:
            f.write("\n".join(vocabulary()) + "\n")
        hf = os.path.join(tmp, "hf")
        make_hf(hf, seed, layers, intermediate, vocab_file)
        transformer = models.Transformer(hf, max_seq_length=seq)
        modules = [transformer, models.Pooling(32, pooling_mode=pooling)]
        if normalize:
            modules.append(models.Normalize())
        st = SentenceTransformer(modules=modules, device="cpu", prompts=prompts or {})
        st.save(folder)
        shutil.copy(vocab_file, os.path.join(folder, "vocab.txt"))
    if old_layout:  # sentence-transformers 2.x files, as all-MiniLM-L6-v2 ships them
        json.dump({"max_seq_length": seq, "do_lower_case": False},
                  open(os.path.join(folder, "sentence_bert_config.json"), "w"), indent=2)
        tc_path = os.path.join(folder, "tokenizer_config.json")
        tc = json.load(open(tc_path))
        tc["model_max_length"] = 512  # the trap: the tokenizer's limit is not the one used
        json.dump(tc, open(tc_path, "w"), indent=2)
    weights = os.path.join(folder, "model.safetensors")
    if dtype is not None or prefix_bert:
        tensors = load_file(weights)
        tensors = {("bert." + k if prefix_bert else k): (v.to(dtype) if dtype else v).contiguous()
                   for k, v in tensors.items()}
        save_file(tensors, weights, metadata={"format": "pt"})
        if dtype is not None:  # record the dtype like save_pretrained does
            cfg = json.load(open(os.path.join(folder, "config.json")))
            cfg["torch_dtype"] = str(dtype).replace("torch.", "")
            json.dump(cfg, open(os.path.join(folder, "config.json"), "w"), indent=2)
    # References from the saved folder, loaded back the way users load it (float32 compute).
    st = SentenceTransformer(folder, device="cpu", model_kwargs={"torch_dtype": torch.float32})
    feats = st.tokenize(INPUTS)
    ids = [row[row_mask.bool()].tolist() for row, row_mask in
           zip(feats["input_ids"], feats["attention_mask"])]
    full = st.tokenizer(INPUTS, add_special_tokens=True, truncation=False)["input_ids"]
    emb = st.encode(INPUTS, batch_size=4, convert_to_numpy=True)
    ref = {"inputs": INPUTS, "maxSeqLength": seq, "ids": ids,
           "truncated": [len(f) > seq for f in full],
           "embeddings": emb.astype(np.float64).tolist()}
    if prompts:
        ref["prompts"] = prompts
        ref["queryEmbeddings"] = st.encode(INPUTS, prompt_name="query", batch_size=3).tolist()
    if normalize:
        small = st.encode(INPUTS, batch_size=4, truncate_dim=16, normalize_embeddings=True)
        ref["dimensions16"] = small.astype(np.float64).tolist()
        for precision in ["int8", "uint8", "binary", "ubinary"]:
            ref[precision] = quantize_embeddings(emb, precision=precision).astype(np.int64).tolist()
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(ref, f)
    for junk in ["README.md"]:
        p = os.path.join(folder, junk)
        if os.path.exists(p):
            os.remove(p)
    print(name, "ok", emb.shape, sum(ref["truncated"]), "truncated")


def main():
    os.makedirs(OUT, exist_ok=True)
    build("mean", 2, 128, "mean", True, 16, seed=1, old_layout=True)
    build("cls", 3, 48, "cls", False, 24, seed=2, prompts={"query": "query: ", "passage": "passage: "})
    build("max", 2, 128, "max", True, 20, seed=3, prefix_bert=True)
    build("f16", 2, 128, "mean", True, 16, seed=1, dtype=torch.float16, old_layout=True)
    build("bf16", 2, 128, "mean", True, 16, seed=1, dtype=torch.bfloat16)


if __name__ == "__main__":
    main()
