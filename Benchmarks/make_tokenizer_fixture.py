"""Writes Tests/TokenizationTests/Fixtures/tiktoken_pinned.json: token IDs from tiktoken 0.14
for a few dozen tricky texts (and some invalid UTF-8 byte strings via _encode_bytes), for the
three encodings. Tests compare EmbeddingKit's encoders with these pinned IDs.

Usage: python Benchmarks/make_tokenizer_fixture.py [../shared/data/tokenizers]
"""
import base64, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, HERE)
from tokenizer_parity import load_encodings  # noqa: E402

TEXTS = [
    "", "hello world", "Hello, world!", " ", "  ", "\n", "\r\n", "a\r\nb", "   leading", "trailing   ",
    "tabs\tand\tnewlines\n\n\nend", "mixed \t\n whitespace \u00a0\u3000 runs", "x  \n  y", "!!!???...",
    "I'm you're we've they'll she'd he's it'd DON'T I'M YOU'RE 'S 'Ll 'ſ ''s",
    "1 12 123 1234 12345 123456 1234567 3.14159 1,000,000", "٠١٢٣٤٥ ①② ²³ Ⅻ",
    "HTTPServer camelCaseWord XMLHttpRequest iPhone McDonald's", "中A 中Ab ǅemal ʰaʰ",
    "café cafe\u0301 A\u0301B \u0301abc", "Ελληνικά Русский العربية עברית हिन्दी தமிழ் ไทย",
    "中文：你好，世界！ 日本語 こんにちは 한국어 안녕하세요", "😀👍🏽👨‍👩‍👧‍👦🇫🇷 1️⃣ ❤️",
    "<|endoftext|> is special", "path/to/file.txt // comment\n/* block */",
    "def f(x):\n    return x ** 2  # square\n", "a" * 300, "ab" * 200, " " * 50 + "x",
    "The quick brown fox jumps over the lazy dog. " * 3, "Zero\u200bwidth \u00adsoft", "\x00\x01\x7f",
]
BYTES = [b"\xff", b"abc\xff", b"hello \xe2\x82", b"\xc3\xa9\xff\xc3\xa9", b"it's \xf0\x9f\x98", b"a  \x80"]


def main():
    tok_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../shared/data/tokenizers")
    encodings = load_encodings(tok_dir)
    cases = []
    for t in TEXTS:
        b = t.encode("utf-8")
        cases.append({"text": t, "bytes": base64.b64encode(b).decode(), "byteAPI": False,
                      **{n: e.encode_ordinary(t) for n, e in encodings.items()}})
    for b in BYTES:
        cases.append({"text": None, "bytes": base64.b64encode(b).decode(), "byteAPI": True,
                      **{n: e._encode_bytes(b) for n, e in encodings.items()}})
    out = os.path.join(HERE, "../Tests/TokenizationTests/Fixtures/tiktoken_pinned.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"source": "tiktoken 0.14.0 via Benchmarks/make_tokenizer_fixture.py",
                   "cases": cases}, f, ensure_ascii=True, separators=(",", ":"))
    print(f"wrote {out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
