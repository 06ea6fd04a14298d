"""Texts aimed at a BERT WordPiece re-implementation (used by wordpiece_parity.py and
make_wordpiece_fixture.py), on top of adversarial_texts.py."""


def bert_texts():
    out = [
        "", " ", "\u3000", "Hello, world!", "unaffable", "UNAFFABLE Unaffable",
        "[CLS] hello [SEP] [MASK] [PAD] [UNK] [cls] [MASK][MASK]x[MASK", "a[MASK]b",
        "İstanbul İI ı Σίσυφος ΣΑΣ ẞ ß ǅ ǈ ǋ ǲ ﬁ ﬀ Å Å K Ω",
        "café CAFÉ naïve Ångström Dvořák Øre Łódź Œuvre ÆSIR ĲSSELMEER",
        "e\u0301\u0302\u0303 a\u0323\u0307 \u0301 \u0301\u0301 q\u0307\u0323 ḍ̇ ḍ̇",
        "\U0001D165\U0001D16D \U0001D16D\U0001D165 \U0001D15F\U0001D16E",
        "豈更車 \uF900\uFA6D\U0002F800 丽 中文字 ㄅㄆ ＡＢ ｶﾀｶﾅ 〇 々 〆 ヶ",
        "𠀀𪜀𫝀𫠠𬺰 \U00031350 \U0002EBF0 \U0002B820",
        "한국어 안녕하세요 ᄀᄁ ㄱㄲ 뷁",
        "tab\there\nnew\r\nline\x0bvt\x0cff\x85nel\u2028ls\u2029ps",
        "nul\x00nul \ufffd\ufffd replacement\ufffdchar \ufeffbom\u200bzwsp\u00adshy",
        "\u0600\u0601 \u061c \u06dd \u070f \u180e \u200e\u200f \u202a\u202e \u2066\u2069 \u0890\u08e2",
        "\U000110BD \U000110CD \U00013430 \U0001BCA0 \U0001D173 \U000E0001 \U000E0020",
        "\ue000 private \U000F0000 \U0010FFFD \U000E01EF",
        "punct: ¡¿«»‹›“”‘’„‚—–‐‑‒―…‰′″‴※‼⁇⁈⁉ ⸮ ⹂ ⹏ ⹝ ‿⁀⁔ ＿ ﹏ ¶ § ·",
        "symbols (not punct): $ + < = > ^ ` | ~ ¢£¤¥ © ® ° ± ¬ ´ ¨ ¸ ˆ ˜ € ™ ← ∀ ⌘ ★",
        "a" * 99, "a" * 100, "a" * 101, "é" * 100, "é" * 101, "e\u0301" * 60,
        "x" * 100 + " " + "y" * 101, "ab" * 50 + "!", "中" * 200,
        "supercalifragilisticexpialidocious antidisestablishmentarianism",
        "pneumonoultramicroscopicsilicovolcanoconiosis", "qqqqqqzzzzzxxxx", "ⓐⓑⓒ ⒜⒝",
        "don't won't can't I'm you're we've it's O'Neil rock'n'roll",
        "3.14 1,000,000 12:30 2024-01-01 user@example.com https://x.org/a?b=c#d",
        "😀 👍🏽 👨‍👩‍👧‍👦 🇫🇷 1️⃣ ❤️ 🏳️‍🌈 \U0001FAE8 \U0001FADC",
        "ǅemal Ⅻ ⅷ ① ² ½ ㍱ ㎏ ℃ ℉ K Ω Å",
        "Ελληνικά ΆΈΉΊΌΎΏ ΐ ΰ ϓ ϔ", "Русский ЁЖИК Й й ї",
        "हिन्दी क्षत्रिय", "தமிழ்", "ไทย สวัสดี", "עברית שָׁלוֹם", "العربية مُحَمَّد",
        "ཀ྄ ༀ ྲྀ", "ᄀ\u1160\u11a8", "\u0f73\u0f75\u0f81",
        "Mixed中文English한국어日本語テスト123", "  leading and trailing  ", "\n\n\n",
        "\u00a0\u1680\u2000\u200a\u202f\u205f\u3000", "a\u200db", "a\u2060b", "a\ufe0fb",
        "##abc ## #", "[ UNK ]", "[UNK]abc", "abc[UNK]", "\U0001F600" * 150,
        "\U00016FE4 \U00011F00 \U0001E4D0 \U0001E5D0 \U00010D40 \U0001611E \U00016D40",
        "\u1c89\u1c8a \ua7cb\ua7cc \ua7dc \U00010D50\U00010D70 \u0897 \u2427 \u31e4",
    ]
    # every ASCII character in context
    out += ["a%cb %c A%c1" % (c, c, c) for c in map(chr, range(128))]
    # each word-length boundary for several scripts
    for unit in ("a", "é", "中", "ß", "İ", "e\u0301", "😀"):
        for n in (1, 98, 99, 100, 101, 102):
            out.append(unit * n)
    return out
