"""o200k_base piece starts on plain ASCII text from local rules only, checked against the regex.

This is the specification of the bit-parallel splitter in
Sources/Tokenization/PreTokenization/O200kBitRules.swift (BENCHMARKS.md, "o200k_base against
fastokens' warm cache, fifth pass" and "sixth pass"). On text whose bytes are all letters, digits, ' ', '\\n', '\\r' or printable
punctuation, every rule below looks at most a few bytes around a position, or fills a run forwards or
backwards. Those are operations that shifts, ANDs, adds and a few doubling steps can do on 64-bit masks of
a 64-byte chunk. Other bytes (\\t \\v \\f, control bytes, anything non-ASCII) go to the scalar
splitter, O200kSplitter.

    python Benchmarks/o200k_ascii_rules.py --fuzz 200000 --seed 1   # random strings from a tricky alphabet
    python Benchmarks/o200k_ascii_rules.py --corpus-mb 20           # the plain-ASCII lines of en-raw

Both report the number of strings whose pieces differ from `regex.findall(O200K_PAT, text)`.
"""
import argparse, os, random, sys

import regex

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tokenizer_parity import O200K_PAT  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def byte_class(ch):
    """U upper, l lower, D digit, S space, N newline (LF or CR), P other printable; None otherwise."""
    if "A" <= ch <= "Z": return "U"
    if "a" <= ch <= "z": return "l"
    if "0" <= ch <= "9": return "D"
    if ch == " ": return "S"
    if ch == "\n" or ch == "\r": return "N"  # o200k's pattern treats CR exactly as LF
    if 33 <= ord(ch) <= 126: return "P"
    return None


def is_plain(text):
    return all(byte_class(ch) is not None for ch in text)


def piece_starts(s):
    """The start of every piece of `s` (plain ASCII), from local rules."""
    n = len(s)
    c = [byte_class(ch) for ch in s]
    letter = lambda i: 0 <= i < n and c[i] in "Ul"
    # Contractions ('s 't 'm 'd 're 've 'll, any case) right after a letter that is not itself part of
    # one: they belong to the word before them, and a piece starts right after them.
    inside = [False] * n
    after_contraction = [False] * n
    for j in range(1, n):
        if s[j] == "'" and letter(j - 1) and not inside[j - 1]:
            a = s[j + 1].lower() if j + 1 < n else ""
            b = s[j + 2].lower() if j + 2 < n else ""
            k = 2 if a in ("s", "t", "m", "d") else (3 if a + b in ("re", "ve", "ll") else 0)
            if k:
                for t in range(j, j + k): inside[t] = True
                if j + k < n: after_contraction[j + k] = True
    # `[\r\n/]*` after a punctuation run: a newline right after punctuation, and every newline and
    # slash that follows it, belong to the punctuation's piece.
    absorbed = [False] * n
    for e in range(1, n):
        if c[e] == "N" and c[e - 1] == "P" and not inside[e - 1] and not absorbed[e - 1]:
            j = e
            while j < n and (c[j] == "N" or s[j] == "/"):
                absorbed[j] = True
                j += 1
    punct_run = lambda i: i >= 0 and c[i] == "P" and not absorbed[i] and not inside[i]
    starts = {0} if n else set()
    digit_run = 0  # digits before i in the current run
    for i in range(n):
        digit_run = digit_run + 1 if i > 0 and c[i - 1] == "D" else 0
        if inside[i] or absorbed[i]:
            continue
        ci = c[i]
        p = c[i - 1] if i > 0 else None
        if ci in "Ul":
            if after_contraction[i]:
                starts.add(i)
            elif p in ("U", "l"):
                if p == "l" and ci == "U": starts.add(i)  # a lower-to-upper step splits words
            elif p == "S":
                pass  # the space before a word is its prefix
            elif punct_run(i - 1) and not punct_run(i - 2) and (i < 2 or c[i - 2] != "S"):
                pass  # so is one punctuation byte that is not part of a longer run or of " ."
            else:
                starts.add(i)
        elif ci == "D":
            if digit_run % 3 == 0: starts.add(i)  # \p{N}{1,3}
        elif ci == "P":
            if not punct_run(i - 1) and p != "S": starts.add(i)  # " ?[^\s\p{L}\p{N}]+"
    # Runs of spaces and newlines (after the newlines a punctuation run absorbed):
    # `\s*[\r\n]+` up to the run's last newline, then `\s+(?!\S)` leaves the last space to the next
    # piece (which it prefixes when that is a word or punctuation), unless the text ends there.
    i = 0
    while i < n:
        if c[i] not in "SN":
            i += 1
            continue
        r0 = i
        while i < n and c[i] in "SN": i += 1
        r1 = i
        a = r0
        while a < r1 and absorbed[a]: a += 1
        if a >= r1:
            continue
        starts.add(a)
        last_newline = max((t for t in range(a, r1) if c[t] == "N"), default=-1)
        m0 = last_newline + 1 if last_newline >= 0 else a
        if m0 < r1:
            starts.add(m0)
            if r1 < n and r1 - m0 >= 2: starts.add(r1 - 1)
    return sorted(starts)


def pieces(s):
    bounds = piece_starts(s) + [len(s)]
    return [s[bounds[k]:bounds[k + 1]] for k in range(len(bounds) - 1)]


def fuzz(count, seed, longest):
    pattern = regex.compile(O200K_PAT)
    rng = random.Random(seed)
    alphabet = ["a", "b", "s", "t", "l", "e", "r", "v", "m", "d", "A", "B", "S", "T", "L", "E", "R", "V",
                "M", "D", "0", "1", "9", " ", " ", "  ", "\n", "\n\n", "\r", "\r\n", "'", "'", ".", ",", "/", "-", "!",
                "(", ")", '"', "#"]
    bad = 0
    for _ in range(count):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest)))
        want, got = pattern.findall(s), pieces(s)
        if want != got:
            bad += 1
            if bad <= 5: print("mismatch:", repr(s), want, got)
    print(f"fuzz: {count} strings of up to {longest} symbols (seed {seed}), {bad} mismatched")
    return bad


def corpus(path, megabytes):
    from tokenizer_speed import read_prefix
    text = read_prefix(path, int(megabytes * 1e6))
    pattern = regex.compile(O200K_PAT)
    blocks, current, other = [], [], 0
    for line in text.split("\n"):
        if is_plain(line):
            current.append(line)
        else:
            other += 1
            if current: blocks.append("\n".join(current) + "\n"); current = []
    if current: blocks.append("\n".join(current))
    bad = total = size = 0
    for block in blocks:
        want = pattern.findall(block)
        total += len(want)
        size += len(block)
        if want != pieces(block):
            bad += 1
    print(f"corpus: {len(blocks)} blocks of plain lines, {size} bytes, {total} pieces, {bad} mismatched "
          f"({other} lines with other bytes left out)")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fuzz", type=int, default=0, help="random strings to check")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--longest", type=int, default=14, help="symbols per random string, at most")
    ap.add_argument("--corpus-mb", type=float, default=0, help="megabytes of the corpus to check")
    ap.add_argument("--corpus", default=os.path.join(ROOT, "../shared/data/corpus/en-raw.txt.xz"))
    args = ap.parse_args()
    if not args.fuzz and not args.corpus_mb: args.fuzz = 20000
    bad = 0
    if args.fuzz: bad += fuzz(args.fuzz, args.seed, args.longest)
    if args.corpus_mb: bad += corpus(args.corpus, args.corpus_mb)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
