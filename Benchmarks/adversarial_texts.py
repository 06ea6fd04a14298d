"""Texts written to break a tiktoken re-implementation (used by tokenizer_parity.py and
make_tokenizer_fixture.py). Returns a list of bytes objects (some are invalid UTF-8)."""
import random
import sys

SCRIPTS = [
    "Hello, World! The quick brown fox jumps over the lazy dog.",
    "Ĉu vi parolas Esperanton? Ça va, naïve café, Straße, ĳ, Øresund, Łódź",
    "cafe\u0301 e\u0301te\u0301 A\u0301B \u0301abc n\u0303o",  # combining marks (NFD)
    "Ελληνικά: Καλημέρα κόσμε, ΑΒΓ αβγ",
    "Русский текст: Привет, мир! ЁЖИК ёжик",
    "العربية: مرحبا بالعالم ٠١٢٣٤٥٦٧٨٩",
    "עברית: שלום עולם",
    "हिन्दी: नमस्ते दुनिया, क्षत्रिय",  # Devanagari with marks
    "தமிழ்: வணக்கம் உலகம்",
    "ไทย: สวัสดีชาวโลก",
    "中文：你好，世界！中A 中Ab 漢字かな交じり文",
    "日本語: こんにちは世界、カタカナ ｶﾀｶﾅ",
    "한국어: 안녕하세요 세계",
    "ქართული ენა, Հայերեն, አማርኛ, ᠮᠣᠩᠭᠣᠯ",
    "Emoji: 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 1️⃣ ❤️ 🏳️‍🌈",
    "Math: ∀x∈ℝ, x² ≥ 0; ∑ᵢ aᵢ = ½; Ⅻ Ⅳ ⅷ ① ⑳ ¾",
    "Titlecase ǅemal ǈubljana, modifier ʰaʰ ˈstress, Lm〱〲",
    "Fullwidth ＡＢＣ ａｂｃ １２３ ！？",
    "HTTPServer camelCaseWord XMLHttpRequest iPhone eBay McDonald's O'Neil",
    "ALLCAPS'S Don'T WON'T I'M YOU'RE WE'VE THEY'LL SHE'D it's",
    "Zero\u200bwidth\u200djoiner\ufeffBOM \u00ad soft hyphen",
    "Control \x00\x01\x1b[31mred\x1b[0m \x7f\x1c\x1d\x1e\x1f",
]

WHITESPACE = [" ", "  ", "\t", "\n", "\r\n", "\r", "\n\n", " \n", "\n ", "\t\n", "\u00a0", "\u3000",
              "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\u1680", "\u2000", "\u200a", "\u202f",
              "\u205f", "\u180e", " \t ", "   \n  \n   ", "\r\n\r\n", " \r\n "]

CONTRACTIONS = ["'s", "'S", "'t", "'T", "'d", "'D", "'m", "'M", "'ll", "'LL", "'lL", "'Ll", "'ve",
                "'VE", "'vE", "'re", "'RE", "'rE", "'ſ", "'x", "''s", "'", "''", "'l", "'v", "'r"]


def adversarial_texts(seed=1234):
    rng = random.Random(seed)
    out = []
    add = lambda s: out.append(s.encode("utf-8") if isinstance(s, str) else s)
    for s in SCRIPTS:
        add(s)
    # whitespace runs, alone, between words, at the end, before punctuation and digits
    for w in WHITESPACE:
        for ctx in ("a{}b", "{}", "a{}", "{}a", "!{}?", "1{}2", "a.{}", "{}{}x", "x{}{}",
                    "a{} b", "a {}b", "'{}s"):
            add(ctx.replace("{}", w))
    add("".join(rng.choice(WHITESPACE) for _ in range(300)))
    add("word" + "".join(rng.choice(WHITESPACE) + rng.choice(["a", "Ab", "1", "!", "'s"])
                         for _ in range(400)))
    # digits of every length, in several number scripts
    for n in range(1, 41):
        d = "".join(str(rng.randrange(10)) for _ in range(n))
        add(d); add(" " + d); add("a" + d + "b"); add(d + "." + d[::-1]); add("x " + d + "\n")
    add("٠١٢٣٤٥٦٧٨٩ ０１２３４５６７８９ ①②③④ ²³¹ ⅠⅡⅢⅣ 12,345,678.90 1e-10 0x1F 3.14159")
    # contractions in every case and context
    for c in CONTRACTIONS:
        for ctx in ("{}", "it{}", "IT{}", "it{} ", " {}", "!{}", "1{}", "{}a", "{}s", "it{}{}"):
            add(ctx.replace("{}", c))
    add("I'm you're we've they'll she'd he's it'd don't DON'T I'M YOU'RE WE'VE THEY'LL")
    # very long words and runs
    for unit in ("a", "ab", "abc ", "A", "中", "😀", "!", "1", " ", "\n", "é", "e\u0301", "'s"):
        add(unit * 3000)
    add("a" * 100000)
    add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(20000)))
    add("x" * 5000 + " " + "y" * 5000)
    # special token strings as ordinary text
    add("<|endoftext|> <|fim_prefix|><|endofprompt|> <|endoftext|")
    # random mixtures of all of the above
    pieces = SCRIPTS + WHITESPACE + CONTRACTIONS + ["1", "22", "333", "4444", ".", "/", "\\", "@"]
    for _ in range(500):
        add("".join(rng.choice(pieces)[: rng.randrange(1, 12)] for _ in range(rng.randrange(1, 30))))
    # random code points from everywhere (no surrogates)
    for _ in range(500):
        s = []
        for _ in range(rng.randrange(1, 60)):
            r = rng.random()
            if r < 0.3:
                cp = rng.randrange(0x20, 0x80)
            elif r < 0.6:
                cp = rng.randrange(0x80, 0x3000)
            elif r < 0.9:
                cp = rng.randrange(0x3000, 0x30000)
            else:
                cp = rng.randrange(0x30000, 0x110000)
            if 0xD800 <= cp < 0xE000:
                cp = 0x20
            s.append(chr(cp))
        add("".join(s))
    # every code point, in contexts that reveal its class
    cps = [cp for cp in range(0x80, 0x110000) if not 0xD800 <= cp < 0xE000]
    for i in range(0, len(cps), 4096):
        add("".join(f"a{chr(c)}b {chr(c)}A{chr(c)}1 {chr(c)}'s\n" for c in cps[i:i + 4096]))
    # invalid UTF-8 through the byte API
    for bad in (b"\xff", b"\xfe\xff", b"\x80", b"\xc0\xaf", b"\xe0\x80\x80", b"\xed\xa0\x80",
                b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98"):
        for ctx in (b"%s", b"abc%s", b"abc %s", b"%sabc", b"hello %s world", b"a  %s", b"a \n%s b",
                    b"\xc3\xa9%s\xc3\xa9", b"x" * 300 + b"%s", b"1234%s5678", b"it's %s'll"):
            out.append(ctx.replace(b"%s", bad))
    for _ in range(200):
        out.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))))
    add("")
    return out


if __name__ == "__main__":
    t = adversarial_texts()
    print(len(t), "texts,", sum(map(len, t)), "bytes", file=sys.stderr)
